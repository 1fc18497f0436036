<?php
/**
 * Uninstall: removes the plugin's options, tables, scheduled events, sync user and role.
 *
 * @package Shopbooks
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

if ( ! defined( 'SHOPBOOKS_DIR' ) ) {
	define( 'SHOPBOOKS_DIR', __DIR__ );
	define( 'SHOPBOOKS_FILE', __DIR__ . '/shopbooks.php' );
	define( 'SHOPBOOKS_VERSION', '0.1.0' );
}
require_once __DIR__ . '/includes/autoload.php';

Shopbooks\Lifecycle::uninstall();
