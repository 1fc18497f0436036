<?php
/**
 * The wp-admin page: WooCommerce → Shopbooks (or Settings → Shopbooks without WooCommerce). The
 * React settings page (src/, built into plugin/build/) mounts into #shopbooks-settings-root.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Menu entry, assets and the page shell.
 */
final class Admin_Page {
	public const SLUG   = 'shopbooks';
	public const HANDLE = 'shopbooks-settings';

	/**
	 * The page's hook suffix.
	 *
	 * @var string|false
	 */
	private static $hook = false;

	/**
	 * Register hooks.
	 */
	public static function register(): void {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ), 60 );
		add_action( 'admin_enqueue_scripts', array( __CLASS__, 'enqueue' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( SHOPBOOKS_FILE ), array( __CLASS__, 'action_links' ) );
	}

	/**
	 * Add the menu entry.
	 */
	public static function menu(): void {
		if ( class_exists( 'WooCommerce' ) ) {
			self::$hook = add_submenu_page( 'woocommerce', __( 'Shopbooks', 'shopbooks' ), __( 'Shopbooks', 'shopbooks' ), 'manage_woocommerce', self::SLUG, array( __CLASS__, 'render' ) );
		} else {
			self::$hook = add_options_page( __( 'Shopbooks', 'shopbooks' ), __( 'Shopbooks', 'shopbooks' ), 'manage_woocommerce', self::SLUG, array( __CLASS__, 'render' ) );
		}
	}

	/**
	 * "Settings" link on the plugins screen.
	 *
	 * @param array $links Links.
	 * @return array
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( Connections::settings_url() ) . '">' . esc_html__( 'Settings', 'shopbooks' ) . '</a>' );
		return $links;
	}

	/**
	 * Enqueue the built settings page on our screen only.
	 *
	 * @param string $hook Hook suffix.
	 */
	public static function enqueue( $hook ): void {
		if ( ! self::$hook || $hook !== self::$hook ) {
			return;
		}
		$asset_file = SHOPBOOKS_DIR . '/build/index.asset.php';
		if ( ! is_readable( $asset_file ) ) {
			return; // render() explains that the page assets are missing.
		}
		$asset = require $asset_file;
		// WordPress < 6.6 has no 'react-jsx-runtime' handle, which @wordpress/scripts >= 28 emits.
		if ( in_array( 'react-jsx-runtime', $asset['dependencies'], true ) && ! wp_script_is( 'react-jsx-runtime', 'registered' ) ) {
			wp_register_script( 'react-jsx-runtime', false, array( 'react' ), '17', true ); // phpcs:ignore WordPress.WP.EnqueuedResourceParameters.NotInFooter
			wp_add_inline_script( 'react-jsx-runtime', 'window.ReactJSXRuntime=window.ReactJSXRuntime||{jsx:function(t,p,k){if(k!==undefined){p=Object.assign({},p,{key:k});}return React.createElement(t,p);},Fragment:React.Fragment};window.ReactJSXRuntime.jsxs=window.ReactJSXRuntime.jsx;' );
		}
		wp_enqueue_script( self::HANDLE, plugins_url( 'build/index.js', SHOPBOOKS_FILE ), $asset['dependencies'], $asset['version'], true );
		// wp_add_inline_script (not wp_localize_script, which turns booleans and null into strings).
		wp_add_inline_script( self::HANDLE, 'window.shopbooksSettings = ' . wp_json_encode( self::bootstrap() ) . ';', 'before' );
		wp_set_script_translations( self::HANDLE, 'shopbooks', SHOPBOOKS_DIR . '/languages' );
		wp_enqueue_style( 'wp-components' );
		if ( is_readable( SHOPBOOKS_DIR . '/build/index.css' ) ) {
			wp_enqueue_style( self::HANDLE, plugins_url( 'build/index.css', SHOPBOOKS_FILE ), array( 'wp-components' ), $asset['version'] );
		}
	}

	/**
	 * What the page needs before it makes its first REST call.
	 *
	 * @return array
	 */
	public static function bootstrap(): array {
		$oauth  = isset( $_GET['shopbooks_oauth'] ) ? sanitize_key( wp_unslash( $_GET['shopbooks_oauth'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		$result = null;
		if ( preg_match( '/^(exact|moneybird)-(ok|error)$/', $oauth, $m ) ) {
			$msg    = get_transient( 'shopbooks_oauth_msg_' . get_current_user_id() );
			$result = array(
				'system'  => $m[1],
				'ok'      => 'ok' === $m[2],
				'message' => is_string( $msg ) ? $msg : '',
			);
			delete_transient( 'shopbooks_oauth_msg_' . get_current_user_id() );
		}
		return array(
			'restRoot'          => esc_url_raw( rest_url() ),
			'restNamespace'     => 'shopbooks/v1',
			'nonce'             => wp_create_nonce( 'wp_rest' ),
			'woocommerceActive' => class_exists( 'WooCommerce' ),
			'adminUrl'          => admin_url(),
			'pluginVersion'     => SHOPBOOKS_VERSION,
			'oauthResult'       => $result,
		);
	}

	/**
	 * The page shell.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage Shopbooks.', 'shopbooks' ), 403 );
		}
		echo '<div class="wrap shopbooks-wrap"><h1>' . esc_html__( 'Shopbooks', 'shopbooks' ) . '</h1>';
		if ( ! is_readable( SHOPBOOKS_DIR . '/build/index.asset.php' ) ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The settings page assets are missing (plugin/build). Build them with "npm run build" or install the plugin from its release zip.', 'shopbooks' ) . '</p></div>';
		}
		echo '<div id="shopbooks-settings-root"></div>';
		echo '<noscript><p>' . esc_html__( 'The Shopbooks settings need JavaScript.', 'shopbooks' ) . '</p></noscript></div>';
	}
}
