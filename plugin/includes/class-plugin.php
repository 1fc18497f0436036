<?php
/**
 * Wires the plugin's parts into WordPress.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Bootstrap.
 */
final class Plugin {
	/**
	 * Register everything.
	 */
	public static function boot(): void {
		add_action( 'init', array( __CLASS__, 'load_textdomain' ) );
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
		add_action( 'admin_notices', array( Notices::class, 'render' ) );
		add_action( 'admin_init', array( __CLASS__, 'upgrade' ) );
		Scheduler::register();
		Admin_Page::register();
		Order_Integration::register();
		if ( defined( 'WP_CLI' ) && WP_CLI && class_exists( '\WP_CLI' ) ) {
			\WP_CLI::add_command( 'shopbooks', Cli_Command::class );
		}
	}

	/**
	 * Translations.
	 */
	public static function load_textdomain(): void {
		load_plugin_textdomain( 'shopbooks', false, dirname( plugin_basename( SHOPBOOKS_FILE ) ) . '/languages' );
	}

	/**
	 * Tables after an update; the cron event if it went missing.
	 */
	public static function upgrade(): void {
		if ( get_option( 'shopbooks_db_version' ) !== Store_Db::DB_VERSION ) {
			Store_Db::install();
		}
		Scheduler::ensure();
	}

	/**
	 * REST routes, one controller per area.
	 */
	public static function routes(): void {
		foreach ( array(
			Rest\Status_Controller::class,
			Rest\Settings_Controller::class,
			Rest\Connections_Controller::class,
			Rest\Mapping_Controller::class,
			Rest\Ledger_Controller::class,
			Rest\Actions_Controller::class,
			Rest\Export_Controller::class,
			Rest\Store_Controller::class,
		) as $controller ) {
			( new $controller() )->register_routes();
		}
	}
}
