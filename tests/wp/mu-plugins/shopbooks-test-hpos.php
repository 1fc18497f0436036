<?php
/**
 * TEST ONLY: with the WooCommerce double on, WooCommerce's OrderUtil as real WooCommerce (8+) has it:
 * the order edit screen is admin.php?page=wc-orders&action=edit&id=N with HPOS (option sbtest_hpos),
 * post.php?post=N&action=edit with posts storage.
 *
 * @package Shopbooks
 */

namespace Automattic\WooCommerce\Utilities;

if ( get_option( 'sbtest_wc_double' ) && ! class_exists( OrderUtil::class ) ) {
	// phpcs:disable
	final class OrderUtil {
		public static function custom_orders_table_usage_is_enabled(): bool { return (bool) get_option( 'sbtest_hpos' ); }
		public static function get_order_admin_edit_url( int $order_id ): string {
			return self::custom_orders_table_usage_is_enabled()
				? admin_url( 'admin.php?page=wc-orders&action=edit&id=' . $order_id )
				: admin_url( 'post.php?post=' . $order_id . '&action=edit' );
		}
	}
	// phpcs:enable
}
