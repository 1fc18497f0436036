<?php
/**
 * Builds the complete sync-core configuration (the CLI config file shape, docs/config.md) that the
 * runner hands over in the SHOPBOOKS_CONFIG_JSON environment variable. It holds secrets, so it is
 * never written to disk, never logged and never put on a command line.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Settings + connections + store => sync-core config.
 */
final class Sync_Config {
	private const EXACT_TLD = array(
		'NL' => 'nl',
		'BE' => 'be',
		'DE' => 'de',
		'UK' => 'co.uk',
		'US' => 'com',
		'ES' => 'es',
		'FR' => 'fr',
	);

	/** WooCommerce statuses that have a canonical state in the sync core (engine/rules.ts). */
	private const CANONICAL = array(
		'pending'    => 'pending',
		'on-hold'    => 'on-hold',
		'processing' => 'paid',
		'completed'  => 'completed',
		'refunded'   => 'refunded',
	);

	/**
	 * The configuration.
	 *
	 * @return array
	 */
	public static function build(): array {
		$s     = Settings::get();
		$r     = $s['rules'];
		$map   = $s['mapping'];
		$facts = Connections::facts();
		$ov    = Endpoints::overrides();

		$book_states   = array();
		$book_statuses = array();
		foreach ( $r['bookStatuses'] as $status ) {
			if ( isset( self::CANONICAL[ $status ] ) ) {
				$book_states[] = self::CANONICAL[ $status ];
			}
			$book_statuses[] = $status;
		}

		$gl = array_filter( $map['glAccounts'], static fn( $v ) => '' !== $v );
		$config = array(
			'source' => self::source( $ov ),
			'target' => $s['target'],
			'plan'   => self::plan( $s ),
			'rules'  => array(
				'bookStates'   => array_values( array_unique( $book_states ) ),
				'bookStatuses' => $book_statuses,
				'paidOnly'     => (bool) $r['paidOnly'],
				'startDate'    => $r['startDate'],
			),
			'store'  => array(
				'kind'                => 'wordpress',
				'url'                 => home_url(),
				'username'            => Connections::SYNC_USER,
				'applicationPassword' => (string) Secrets::get( 'sync_app_password' ),
			),
		);

		if ( 'exact' === $s['target'] ) {
			$e     = $facts['exact'];
			$exact = array(
				'country'        => self::EXACT_TLD[ $e['country'] ?? 'NL' ] ?? 'nl',
				'baseUrl'        => Endpoints::exact( $e['country'] ?? 'NL' ),
				'clientId'       => (string) Secrets::get( 'exact_client_id' ),
				'clientSecret'   => (string) Secrets::get( 'exact_client_secret' ),
				'redirectUri'    => Connections::redirect_uri( 'exact' ),
				'division'       => (int) ( $e['division'] ?? 0 ),
				'documentKind'   => 'invoice' === $r['documentKind'] ? 'salesInvoice' : 'salesEntry',
				'invoiceState'   => 'final' === $r['documentState'] ? 'processed' : 'draft',
				'glAccounts'     => (object) $gl,
				'vatCodeMap'     => (object) (array) $map['vatMap'],
				'customerMode'   => 'collective' === $r['customerMode'] ? 'collective' : 'per-customer',
				'itemMode'       => 'items' === $r['itemMode'] ? 'match-or-create' : 'match-only',
			);
			if ( '' !== $map['journal'] ) {
				$exact['journalCode'] = $map['journal'];
			}
			if ( '' !== $map['defaultVatCode'] ) {
				$exact['defaultVatCode'] = $map['defaultVatCode'];
			}
			if ( 'collective' === $r['customerMode'] ) {
				$exact['collectiveAccountCode'] = $r['collectiveCustomer'];
			}
			$config['exact'] = $exact;
		} else {
			$m    = $facts['moneybird'];
			$auth = 'oauth' === ( $m['method'] ?? '' )
				? array(
					'kind'         => 'oauth',
					'clientId'     => (string) Secrets::get( 'moneybird_client_id' ),
					'clientSecret' => (string) Secrets::get( 'moneybird_client_secret' ),
					'redirectUri'  => Connections::redirect_uri( 'moneybird' ),
				)
				: array(
					'kind'  => 'token',
					'token' => (string) Secrets::get( 'moneybird_token' ),
				);
			$mb   = array(
				'baseUrl'          => Endpoints::moneybird(),
				'auth'             => $auth,
				'administrationId' => (string) ( $m['administrationId'] ?? '' ),
				'documentKind'     => 'invoice' === $r['documentKind'] ? 'salesInvoice' : 'externalSalesInvoice',
				'ledgerAccounts'   => (object) $gl,
				'taxRateMap'       => (object) (array) $map['vatMap'],
				'customerMode'     => 'collective' === $r['customerMode'] ? 'collective' : 'per-customer',
			);
			if ( '' !== $map['defaultVatCode'] ) {
				$mb['defaultTaxRateId'] = $map['defaultVatCode'];
			}
			if ( 'collective' === $r['customerMode'] ) {
				$mb['collectiveContactId'] = $r['collectiveCustomer'];
			}
			$config['moneybird'] = $mb;
		}
		/**
		 * Filter the sync-core configuration before it is handed to the runner (never logged).
		 *
		 * @param array $config Configuration.
		 */
		return (array) apply_filters( 'shopbooks_sync_config', $config );
	}

	/**
	 * The shop's own settings for the planner (plan/settings.ts): WooCommerce's base country and
	 * currency, WordPress' time zone, the accepted currencies and discount mode (Shopbooks rules),
	 * and the collective-debtor rule (no e-mail needed when every order goes to one debtor).
	 * Prices incl./excl. VAT come with every order (WooCommerce's `prices_include_tax`).
	 *
	 * @param array $s Settings.
	 * @return array
	 */
	public static function plan( array $s ): array {
		$r       = $s['rules'];
		$country = strtoupper( (string) strtok( (string) get_option( 'woocommerce_default_country', 'NL' ), ':' ) );
		$cur     = strtoupper( (string) get_option( 'woocommerce_currency', 'EUR' ) );
		$plan    = array(
			'referencePrefix'      => $r['referencePrefix'],
			'shopCountry'          => preg_match( '/^[A-Z]{2}$/', $country ) ? $country : 'NL',
			'baseCurrency'         => preg_match( '/^[A-Z]{3}$/', $cur ) ? $cur : 'EUR',
			'acceptedCurrencies'   => array_values( array_diff( (array) $r['acceptedCurrencies'], array( $cur ) ) ),
			'discountMode'         => 'separate' === $r['discountMode'] ? 'separate' : 'netted',
			'timeZone'             => self::time_zone(),
			'requireCustomerEmail' => 'collective' !== $r['customerMode'],
		);
		return $plan;
	}

	/**
	 * WordPress' time zone as an IANA name (a bare UTC offset becomes Etc/GMT±N, or UTC).
	 *
	 * @return string
	 */
	public static function time_zone(): string {
		$tz = (string) get_option( 'timezone_string', '' );
		if ( '' !== $tz && in_array( $tz, timezone_identifiers_list( \DateTimeZone::ALL_WITH_BC ), true ) ) {
			return $tz;
		}
		$off = (float) get_option( 'gmt_offset', 0 );
		if ( 0.0 === $off ) {
			return 'UTC';
		}
		if ( floor( $off ) === $off ) {
			// POSIX sign: Etc/GMT-2 is two hours AHEAD of UTC.
			return 'Etc/GMT' . ( $off > 0 ? '-' : '+' ) . (int) abs( $off );
		}
		return 'UTC';
	}

	/**
	 * The shop id without the connection scope: a configured source's own id, or the install id.
	 *
	 * @return string
	 */
	public static function shop_base(): string {
		$ov = Endpoints::overrides();
		if ( ! empty( $ov['source']['shopId'] ) && is_string( $ov['source']['shopId'] ) ) {
			return $ov['source']['shopId'];
		}
		return Identity::shop_id();
	}

	/**
	 * The shop id the sync core books under now (install identity, scoped to the current system).
	 *
	 * @return string
	 */
	public static function shop_id(): string {
		return Connection_Scope::shop_id( self::shop_base(), Settings::get()['target'] );
	}

	/**
	 * The shop the sync core reads: this site's WooCommerce through the sync user's application
	 * password, or an override (the sandbox's WooCommerce simulator in tests and try-outs).
	 *
	 * @param array $ov Endpoint overrides.
	 * @return array
	 */
	private static function source( array $ov ): array {
		if ( ! empty( $ov['source'] ) && is_array( $ov['source'] ) ) {
			$src = $ov['source'];
			$sec = Secrets::get( 'source_consumer_secret' );
			if ( null !== $sec ) {
				$src['consumerSecret'] = $sec;
			}
			$src['shopId'] = self::shop_id();
			if ( ! isset( $src['roundTaxAtSubtotal'] ) ) {
				$src['roundTaxAtSubtotal'] = 'yes' === get_option( 'woocommerce_tax_round_at_subtotal', 'no' );
			}
			return $src;
		}
		return array(
			'platform'            => 'woocommerce',
			'url'                 => home_url(),
			'shopId'              => self::shop_id(),
			'roundTaxAtSubtotal'  => 'yes' === get_option( 'woocommerce_tax_round_at_subtotal', 'no' ),
			'auth'                => 'application-password',
			'username'            => Connections::SYNC_USER,
			'applicationPassword' => (string) Secrets::get( 'sync_app_password' ),
		);
	}

	/**
	 * Every secret value inside a config (for redaction of the runner's output).
	 *
	 * @param array $config Config.
	 * @return string[]
	 */
	public static function secret_values( array $config ): array {
		$out  = array();
		$walk = static function ( $node ) use ( &$walk, &$out ) {
			foreach ( (array) $node as $k => $v ) {
				if ( is_array( $v ) || is_object( $v ) ) {
					$walk( $v );
				} elseif ( is_string( $v ) && strlen( $v ) >= 6 && preg_match( '/secret|token|password/i', (string) $k ) ) {
					$out[] = $v;
				}
			}
		};
		$walk( $config );
		return $out;
	}
}
