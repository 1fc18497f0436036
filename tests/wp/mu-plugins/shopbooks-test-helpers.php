<?php
/**
 * TEST ONLY (linked as a must-use plugin by tests/wp/run.sh, never shipped):
 * - records wp_mail() calls in the option sbtest_mails instead of sending;
 * - when the option sbtest_wc_double is set, defines a minimal stand-in for the few WooCommerce
 *   functions Shopbooks calls (class WooCommerce, wc_get_order() with add_order_note/get_meta/
 *   update_meta_data/save, wc_get_order_statuses(), wc_get_page_screen_id()). WooCommerce itself
 *   cannot be installed on this machine; this double is what the tests mean by "WooCommerce active".
 * - when sbtest_core_path is set, points the runner at that script instead of the bundled core.
 *
 * @package Shopbooks
 */

add_filter(
	'pre_wp_mail',
	static function ( $ret, $atts ) {
		$mails   = get_option( 'sbtest_mails', array() );
		$mails[] = array(
			'to'      => $atts['to'],
			'subject' => $atts['subject'],
			'message' => $atts['message'],
		);
		update_option( 'sbtest_mails', $mails, false );
		return true;
	},
	5,
	2
);

$sbtest_core = get_option( 'sbtest_core_path' );
if ( $sbtest_core ) {
	add_filter( 'shopbooks_sync_core_path', static fn() => $sbtest_core );
}

if ( get_option( 'sbtest_wc_double' ) && ! class_exists( 'WooCommerce' ) ) {
	// phpcs:disable
	class WooCommerce {}

	class SbTest_Order {
		public function __construct( private int $id ) {}
		public function get_id() { return $this->id; }
		private function all() { return get_option( 'sbtest_orders', array() ); }
		public function add_order_note( $note ) {
			$all = $this->all();
			$all[ $this->id ]['notes'][] = $note;
			update_option( 'sbtest_orders', $all, false );
			return count( $all[ $this->id ]['notes'] );
		}
		public function get_meta( $key ) { return $this->all()[ $this->id ]['meta'][ $key ] ?? ''; }
		public function update_meta_data( $key, $value ) {
			$all = $this->all();
			$all[ $this->id ]['meta'][ $key ] = $value;
			update_option( 'sbtest_orders', $all, false );
		}
		public function save() { return $this->id; }
	}

	function wc_get_order( $id ) {
		return array_key_exists( (int) $id, get_option( 'sbtest_orders', array() ) ) ? new SbTest_Order( (int) $id ) : false;
	}
	function wc_get_order_statuses() {
		return array( 'wc-pending' => 'Pending payment', 'wc-processing' => 'Processing', 'wc-on-hold' => 'On hold', 'wc-completed' => 'Completed', 'wc-cancelled' => 'Cancelled', 'wc-refunded' => 'Refunded', 'wc-failed' => 'Failed', 'wc-shipped' => 'Shipped' );
	}
	// Real WooCommerce defines it in includes/admin/wc-admin-functions.php: only inside wp-admin.
	if ( is_admin() ) {
		function wc_get_page_screen_id( $for ) { return get_option( 'sbtest_hpos' ) ? 'woocommerce_page_wc-orders' : 'shop_order'; }
	}
	// phpcs:enable
}
