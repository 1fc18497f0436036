<?php
/**
 * Whether the first-run setup is complete enough for the schedule to book: the books connected,
 * the orders readable and the mapping chosen. The settings page shows the same as a checklist
 * (src/setup.js); the recurring sync waits for it.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * The setup's state.
 */
final class Setup {
	/**
	 * What is still missing, in a shop owner's words (null = complete).
	 *
	 * @return string|null
	 */
	public static function missing(): ?string {
		$s      = Settings::get();
		$target = 'moneybird' === $s['target'] ? 'moneybird' : 'exact';
		$conn   = Connections::view();
		if ( empty( $conn[ $target ]['connected'] ) ) {
			return 'moneybird' === $target
				? __( 'Connect your books first (Connection tab): Moneybird.', 'shopbooks' )
				: __( 'Connect your books first (Connection tab): Exact Online.', 'shopbooks' );
		}
		if ( empty( $conn['woocommerce']['connected'] ) ) {
			return __( 'Let Shopbooks read your orders first (Connection tab, "Access for the sync").', 'shopbooks' );
		}
		$m   = $s['mapping'];
		$vat = array_filter( (array) $m['vatMap'] );
		if ( '' === (string) ( $m['glAccounts']['revenue'] ?? '' ) || ( ! $vat && '' === (string) $m['defaultVatCode'] ) || ( 'exact' === $target && '' === (string) $m['journal'] ) ) {
			return __( 'Choose the accounts and VAT codes first (Mapping tab).', 'shopbooks' );
		}
		return null;
	}
}
