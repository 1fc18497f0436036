<?php
/**
 * /mapping/vat/validate, /mapping/tax-rates, /preview.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Connections;
use Shopbooks\Endpoints;
use Shopbooks\Http;
use Shopbooks\Runner;
use Shopbooks\Settings;
use Shopbooks\Store_Db;

defined( 'ABSPATH' ) || exit;

/**
 * VAT/GL mapping helpers and the booking preview.
 */
final class Mapping_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route( '/mapping/vat/validate', \WP_REST_Server::READABLE, array( $this, 'validate' ) );
		$this->route( '/mapping/tax-rates', \WP_REST_Server::READABLE, array( $this, 'tax_rates' ) );
		$this->route( '/preview', \WP_REST_Server::READABLE, array( $this, 'preview' ) );
	}

	/**
	 * VAT codes of the connected administration.
	 *
	 * @return array|\WP_Error list of {code, description, percentage}
	 */
	private function target_vat_codes() {
		$s = Settings::get();
		if ( 'exact' === $s['target'] ) {
			$view = Connections::exact_view();
			if ( ! $view['connected'] ) {
				return new \WP_Error( 'not_connected', __( 'Connect Exact Online and choose an administration first.', 'shopbooks' ) );
			}
			$v = Connections::exact_access();
			if ( is_wp_error( $v ) ) {
				return $v;
			}
			$r = Http::request( 'GET', $v['baseUrl'] . '/api/v1/' . (int) $view['division'] . '/vat/VATCodes?$select=Code,Description,Percentage', array( 'Authorization' => 'Bearer ' . $v['accessToken'] ), null, 'Exact Online' );
			if ( is_wp_error( $r ) ) {
				return $r;
			}
			if ( 200 !== $r['status'] || ! isset( $r['json']['d'] ) ) {
				return new \WP_Error( 'remote_error', Http::remote_message( $r ) );
			}
			return array_map(
				static fn( $c ) => array(
					'code'        => trim( (string) $c['Code'] ),
					'description' => (string) ( $c['Description'] ?? '' ),
					'percentage'  => isset( $c['Percentage'] ) ? (string) $c['Percentage'] : null,
				),
				(array) ( $r['json']['d']['results'] ?? $r['json']['d'] )
			);
		}
		$view = Connections::moneybird_view();
		if ( ! $view['connected'] ) {
			return new \WP_Error( 'not_connected', __( 'Connect Moneybird and choose an administration first.', 'shopbooks' ) );
		}
		$list = Connections::moneybird_administrations(); // also proves the token works.
		if ( is_wp_error( $list ) ) {
			return $list;
		}
		$token = Connections::moneybird_request_token();
		$r     = Http::request( 'GET', Endpoints::moneybird() . '/api/v2/' . rawurlencode( (string) $view['administrationId'] ) . '/tax_rates.json?filter=tax_rate_type%3Asales_invoice', array( 'Authorization' => 'Bearer ' . $token ), null, 'Moneybird' );
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 200 !== $r['status'] || ! is_array( $r['json'] ) ) {
			return new \WP_Error( 'remote_error', Http::remote_message( $r ) );
		}
		return array_map(
			static fn( $t ) => array(
				'code'        => (string) $t['id'],
				'description' => (string) ( $t['name'] ?? '' ),
				'percentage'  => isset( $t['percentage'] ) ? (string) $t['percentage'] : null,
			),
			$r['json']
		);
	}

	/**
	 * GET /mapping/vat/validate.
	 *
	 * @return array
	 */
	public function validate(): array {
		$codes = $this->target_vat_codes();
		if ( is_wp_error( $codes ) ) {
			return array(
				'checked'  => false,
				'problems' => array(
					array(
						'key'     => '',
						'code'    => $codes->get_error_code(),
						'message' => $codes->get_error_message(),
					),
				),
				'codes'    => array(),
			);
		}
		$known    = array_column( $codes, null, 'code' );
		$map      = Settings::get()['mapping'];
		$problems = array();
		foreach ( (array) $map['vatMap'] as $key => $code ) {
			if ( ! isset( $known[ $code ] ) ) {
				$problems[] = array(
					'key'     => (string) $key,
					'code'    => 'unknown_vat_code',
					/* translators: 1: VAT code, 2: VAT key */
					'message' => sprintf( __( 'VAT code %1$s (for %2$s) does not exist in the administration.', 'shopbooks' ), $code, $key ),
				);
				continue;
			}
			$pct = $known[ $code ]['percentage'];
			if ( null !== $pct && preg_match( '/:(\d+(?:\.\d+)?)$/', (string) $key, $m ) && ! self::same_percent( $pct, $m[1] ) ) {
				$problems[] = array(
					'key'     => (string) $key,
					'code'    => 'percentage_mismatch',
					/* translators: 1: VAT code, 2: its percentage, 3: VAT key */
					'message' => sprintf( __( 'VAT code %1$s is %2$s%%, but %3$s needs a different rate.', 'shopbooks' ), $code, self::percent_label( $pct ), $key ),
				);
			}
		}
		if ( '' !== $map['defaultVatCode'] && ! isset( $known[ $map['defaultVatCode'] ] ) ) {
			$problems[] = array(
				'key'     => 'defaultVatCode',
				'code'    => 'unknown_vat_code',
				/* translators: %s: VAT code */
				'message' => sprintf( __( 'The fallback VAT code %s does not exist in the administration.', 'shopbooks' ), $map['defaultVatCode'] ),
			);
		}
		return array(
			'checked'  => true,
			'problems' => $problems,
			'codes'    => array_values( $codes ),
		);
	}

	/**
	 * Exact gives 0.21 for 21 %, Moneybird "21.0"; the key says "21".
	 *
	 * @param string $remote Remote percentage.
	 * @param string $key    Key percentage.
	 * @return bool
	 */
	private static function same_percent( string $remote, string $key ): bool {
		$r = (float) $remote; // Comparison only, never money.
		$k = (float) $key;
		return abs( $r - $k ) < 0.0001 || abs( $r * 100 - $k ) < 0.0001;
	}

	/**
	 * A percentage for people.
	 *
	 * @param string $remote Remote percentage.
	 * @return string
	 */
	private static function percent_label( string $remote ): string {
		$r = (float) $remote;
		return (string) ( $r < 1 && $r > 0 ? $r * 100 : $r );
	}

	/**
	 * GET /mapping/tax-rates: the shop's tax rates (WooCommerce) and their VAT keys.
	 *
	 * @return array
	 */
	public function tax_rates(): array {
		$rates = array();
		if ( class_exists( 'WC_Tax' ) ) {
			$base = function_exists( 'WC' ) && WC()->countries ? WC()->countries->get_base_country() : 'NL';
			foreach ( array_merge( array( '' ), (array) \WC_Tax::get_tax_class_slugs() ) as $class ) {
				foreach ( (array) \WC_Tax::get_rates_for_tax_class( $class ) as $rate ) {
					$country = (string) $rate->tax_rate_country;
					$pct     = rtrim( rtrim( number_format( (float) $rate->tax_rate, 4, '.', '' ), '0' ), '.' );
					$rates[] = array(
						'id'      => (int) $rate->tax_rate_id,
						'country' => $country,
						'rate'    => $pct,
						'name'    => (string) $rate->tax_rate_name,
						'vatKey'  => ( '' === $country || $country === $base ) ? 'domestic:' . $pct : 'oss:' . $country . ':' . $pct,
					);
				}
			}
		}
		return array(
			'woocommerceActive' => class_exists( 'WooCommerce' ),
			'rates'             => $rates,
		);
	}

	/**
	 * GET /preview.
	 *
	 * @return array
	 */
	public function preview(): array {
		$blocker = Runner::blocker();
		if ( null !== $blocker ) {
			return array(
				'available' => false,
				'reason'    => $blocker,
			);
		}
		$r = Runner::run( 'preview', array(), array( 'timeout' => 60, 'record' => false ) );
		if ( ! $r['ok'] || ! is_array( $r['json'] ) ) {
			return array(
				'available' => false,
				'reason'    => (string) ( $r['error'] ?? __( 'The preview could not be made.', 'shopbooks' ) ),
			);
		}
		return array( 'available' => true ) + $r['json'];
	}
}
