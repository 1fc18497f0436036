<?php
/**
 * Plugin Name:       Shopbooks
 * Plugin URI:        https://github.com/shopbooks/shopbooks
 * Description:       Books WooCommerce orders, refunds and customers into Exact Online or Moneybird: once, to the cent, with the right VAT code.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            Shopbooks
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       shopbooks
 * Domain Path:       /languages
 * WC requires at least: 7.1
 * WC tested up to:   9.4
 *
 * @package Shopbooks
 */

defined( 'ABSPATH' ) || exit;

define( 'SHOPBOOKS_VERSION', '0.1.0' );
define( 'SHOPBOOKS_FILE', __FILE__ );
define( 'SHOPBOOKS_DIR', __DIR__ );

require_once __DIR__ . '/includes/autoload.php';

register_activation_hook( __FILE__, array( 'Shopbooks\\Lifecycle', 'activate' ) );
register_deactivation_hook( __FILE__, array( 'Shopbooks\\Lifecycle', 'deactivate' ) );

// Declare compatibility with WooCommerce's High-Performance Order Storage (custom order tables).
add_action(
	'before_woocommerce_init',
	static function () {
		if ( class_exists( '\Automattic\WooCommerce\Utilities\FeaturesUtil' ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', SHOPBOOKS_FILE, true );
		}
	}
);

Shopbooks\Plugin::boot();
