<?php
/**
 * Class loader: Shopbooks\Foo_Bar => includes/class-foo-bar.php, Shopbooks\Rest\Foo => includes/rest/class-foo.php.
 *
 * @package Shopbooks
 */

defined( 'ABSPATH' ) || exit;

spl_autoload_register(
	static function ( $class_name ) {
		if ( 0 !== strpos( $class_name, 'Shopbooks\\' ) ) {
			return;
		}
		$parts = explode( '\\', substr( $class_name, strlen( 'Shopbooks\\' ) ) );
		$name  = array_pop( $parts );
		$dir   = __DIR__ . '/' . ( $parts ? strtolower( implode( '/', $parts ) ) . '/' : '' );
		$file  = $dir . 'class-' . strtolower( str_replace( '_', '-', $name ) ) . '.php';
		if ( is_readable( $file ) ) {
			require_once $file;
		}
	}
);
