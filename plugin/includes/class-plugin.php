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
		// The install identity exists from the first request after an update (cron runs included).
		add_action( 'init', array( Identity::class, 'ensure' ) );
		add_action( 'admin_post_shopbooks_identity', array( __CLASS__, 'identity_choice' ) );
		add_filter( 'woocommerce_rest_check_permissions', array( Connections::class, 'grant_tax_read' ), 10, 4 );
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
		Identity::ensure(); // before the tables: an install from before keeps its host as shop id
		if ( get_option( 'shopbooks_db_version' ) !== Store_Db::DB_VERSION ) {
			Store_Db::install();
		}
		Connections::ensure_sync_role();
		Scheduler::ensure();
	}

	/**
	 * The admin notice's answer to "this site moved or is a copy?".
	 */
	public static function identity_choice(): void {
		if ( ! current_user_can( 'manage_options' ) || ! check_admin_referer( 'shopbooks_identity' ) ) {
			wp_die( esc_html__( 'You are not allowed to do this.', 'shopbooks' ), 403 );
		}
		$choice = sanitize_key( wp_unslash( $_POST['choice'] ?? '' ) ); // phpcs:ignore WordPress.Security.NonceVerification -- checked above
		if ( 'moved' === $choice ) {
			Identity::moved();
		} elseif ( 'copy' === $choice && Identity::is_moved() ) {
			Identity::copy();
		}
		wp_safe_redirect( Connections::settings_url( array( 'shopbooks_identity' => $choice ) ) );
		exit;
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
