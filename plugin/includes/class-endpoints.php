<?php
/**
 * Base URLs of Exact Online (per country) and Moneybird. Overridable for the local sandbox and tests:
 * the option `shopbooks_endpoints` (set by a developer, never through the REST API), the constants
 * SHOPBOOKS_EXACT_BASE_URL / SHOPBOOKS_MONEYBIRD_BASE_URL, or the filter `shopbooks_endpoints`.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Where the accounting systems live.
 */
final class Endpoints {
	public const OPTION = 'shopbooks_endpoints';

	public const EXACT_COUNTRIES = array(
		'NL' => 'https://start.exactonline.nl',
		'BE' => 'https://start.exactonline.be',
		'DE' => 'https://start.exactonline.de',
		'UK' => 'https://start.exactonline.co.uk',
		'US' => 'https://start.exactonline.com',
		'ES' => 'https://start.exactonline.es',
		'FR' => 'https://start.exactonline.fr',
	);

	/**
	 * All overrides: exactBaseUrl, moneybirdBaseUrl, source (a WooCommerce source for the sync core
	 * other than this site, e.g. the sandbox's simulator: {url, consumerKey, consumerSecret}).
	 *
	 * @return array
	 */
	public static function overrides(): array {
		$o = get_option( self::OPTION, array() );
		$o = is_array( $o ) ? $o : array();
		if ( defined( 'SHOPBOOKS_EXACT_BASE_URL' ) ) {
			$o['exactBaseUrl'] = (string) constant( 'SHOPBOOKS_EXACT_BASE_URL' );
		}
		if ( defined( 'SHOPBOOKS_MONEYBIRD_BASE_URL' ) ) {
			$o['moneybirdBaseUrl'] = (string) constant( 'SHOPBOOKS_MONEYBIRD_BASE_URL' );
		}
		return (array) apply_filters( 'shopbooks_endpoints', $o );
	}

	/**
	 * Save overrides (developer/test use: `wp shopbooks`-less sites call it from a mu-plugin or
	 * bin/wp-local.sh eval). A source consumer secret is moved into the encrypted secrets.
	 *
	 * @param array $o exactBaseUrl, moneybirdBaseUrl, source {kind,url,consumerKey,consumerSecret}.
	 */
	public static function set_overrides( array $o ): void {
		if ( isset( $o['source']['consumerSecret'] ) ) {
			Secrets::set( 'source_consumer_secret', (string) $o['source']['consumerSecret'] );
			unset( $o['source']['consumerSecret'] );
		}
		update_option( self::OPTION, $o, false );
	}

	/**
	 * Exact base URL for a country.
	 *
	 * @param string $country Country code.
	 * @return string
	 */
	public static function exact( string $country ): string {
		$o = self::overrides();
		if ( ! empty( $o['exactBaseUrl'] ) ) {
			return untrailingslashit( (string) $o['exactBaseUrl'] );
		}
		return self::EXACT_COUNTRIES[ $country ] ?? self::EXACT_COUNTRIES['NL'];
	}

	/**
	 * Moneybird base URL (API under /api/v2, OAuth under /oauth).
	 *
	 * @return string
	 */
	public static function moneybird(): string {
		$o = self::overrides();
		return ! empty( $o['moneybirdBaseUrl'] ) ? untrailingslashit( (string) $o['moneybirdBaseUrl'] ) : 'https://moneybird.com';
	}
}
