<?php
/**
 * Loads the real WordPress that tests/wp/run.sh started (WP_SITE_DIR, WP_URL), with the plugin
 * active, as the administrator. Before that it installs a minimal WP_CLI harness: wp-cli itself
 * cannot be installed here, so the harness records add_command() and turns WP_CLI::error() into an
 * exception, the way wp-cli stops a command.
 *
 * @package Shopbooks
 */

// phpcs:disable
define( 'WP_CLI', true );

final class WP_CLI_Halt extends RuntimeException {}

final class WP_CLI {
	/** @var array<string, string|callable> */
	public static array $commands = array();
	/** @var string[] */
	public static array $out = array();

	public static function add_command( string $name, $callable ): void {
		self::$commands[ $name ] = $callable;
	}
	public static function line( string $m = '' ): void {
		self::$out[] = $m;
	}
	public static function log( string $m ): void {
		self::$out[] = $m;
	}
	public static function success( string $m ): void {
		self::$out[] = 'Success: ' . $m;
	}
	public static function warning( string $m ): void {
		self::$out[] = 'Warning: ' . $m;
	}
	public static function error( $m ): void {
		self::$out[] = 'Error: ' . ( is_string( $m ) ? $m : print_r( $m, true ) );
		throw new WP_CLI_Halt( is_string( $m ) ? $m : 'error' );
	}
	/** Run `wp <name> <sub> [--k=v]` like wp-cli dispatches to a command class. */
	public static function run( string $name, string $sub, array $args = array(), array $assoc = array() ): array {
		self::$out = array();
		$class     = self::$commands[ $name ];
		$obj       = new $class();
		try {
			$obj->$sub( $args, $assoc );
			$code = 0;
		} catch ( WP_CLI_Halt $e ) {
			$code = 1;
		}
		return array( $code, self::$out );
	}
}

$site = getenv( 'WP_SITE_DIR' );
$url  = getenv( 'WP_URL' );
if ( ! $site || ! is_file( $site . '/wp-load.php' ) ) {
	fwrite( STDERR, "Set WP_SITE_DIR (bash tests/wp/run.sh does).\n" );
	exit( 1 );
}
$u                       = parse_url( $url );
$_SERVER['HTTP_HOST']    = $u['host'] . ( isset( $u['port'] ) ? ':' . $u['port'] : '' );
$_SERVER['SERVER_NAME']  = $u['host'];
$_SERVER['REQUEST_URI']  = '/';
require $site . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
if ( ! is_plugin_active( 'shopbooks/shopbooks.php' ) ) {
	fwrite( STDERR, "The shopbooks plugin is not active on the test site.\n" );
	exit( 1 );
}
wp_set_current_user( 1 );
