<?php
/**
 * Activation and deactivation. Uninstall is uninstall.php.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Activation/deactivation.
 */
final class Lifecycle {
	public const ADDED_CAP_OPTION = 'shopbooks_added_admin_cap';

	/**
	 * Activate: tables, the sync role, the capability, the cron event.
	 */
	public static function activate(): void {
		Identity::ensure(); // first: a fresh install gets a new id, an existing one keeps its own
		Store_Db::install();
		Connections::ensure_sync_role();
		// Without WooCommerce nobody has manage_woocommerce; let administrators manage Shopbooks.
		$admin = get_role( 'administrator' );
		if ( $admin && ! $admin->has_cap( 'manage_woocommerce' ) ) {
			$admin->add_cap( 'manage_woocommerce' );
			update_option( self::ADDED_CAP_OPTION, 1, false );
		}
		add_option( Settings::OPTION, Settings::defaults(), '', false );
		Scheduler::ensure();
		update_option( 'shopbooks_activated_at', gmdate( 'c' ), false );
	}

	/**
	 * Deactivate: stop the schedule (data stays until uninstall).
	 */
	public static function deactivate(): void {
		Scheduler::clear_all();
	}

	/**
	 * Remove everything the plugin created (uninstall.php calls this): on every site of a network.
	 */
	public static function uninstall(): void {
		if ( is_multisite() ) {
			foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $site_id ) {
				switch_to_blog( (int) $site_id );
				self::uninstall_site();
				restore_current_blog();
			}
		} else {
			self::uninstall_site();
		}
		// The sync user is a network user: remove it once, after every site let go of it.
		$user = get_user_by( 'login', Connections::SYNC_USER );
		if ( $user ) {
			require_once ABSPATH . 'wp-admin/includes/user.php';
			\WP_Application_Passwords::delete_all_application_passwords( $user->ID );
			if ( is_multisite() ) {
				require_once ABSPATH . 'wp-admin/includes/ms.php';
				wpmu_delete_user( $user->ID );
			} else {
				wp_delete_user( $user->ID );
			}
		}
		wp_cache_flush();
	}

	/**
	 * Remove the plugin's data of the current site: events, tables, role, capability, options,
	 * transients, and the order meta it wrote (posts and HPOS order tables).
	 */
	private static function uninstall_site(): void {
		global $wpdb;
		Scheduler::clear_all();
		Store_Db::drop();
		remove_role( Connections::SYNC_ROLE );
		if ( get_option( self::ADDED_CAP_OPTION ) && ! class_exists( 'WooCommerce' ) ) {
			$admin = get_role( 'administrator' );
			if ( $admin ) {
				$admin->remove_cap( 'manage_woocommerce' );
			}
		}
		// All options and transients of the plugin (OAuth states are transients).
		$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE 'shopbooks\\_%' OR option_name LIKE '\\_transient\\_shopbooks\\_%' OR option_name LIKE '\\_transient\\_timeout\\_shopbooks\\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		// Order meta (_shopbooks_*): legacy order storage (postmeta) and HPOS (wc_orders_meta).
		$wpdb->query( "DELETE FROM {$wpdb->postmeta} WHERE meta_key LIKE '\\_shopbooks\\_%'" ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		$hpos = $wpdb->prefix . 'wc_orders_meta';
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wpdb->esc_like( $hpos ) ) ) === $hpos ) {
			$wpdb->query( "DELETE FROM {$hpos} WHERE meta_key LIKE '\\_shopbooks\\_%'" ); // phpcs:ignore WordPress.DB
		}
	}
}
