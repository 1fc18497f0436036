<?php
/**
 * GET /export/exact-xml?since=YYYY-MM-DD[&until=YYYY-MM-DD]: the Exact Online XML import file of
 * the orders and refunds booked in that window, made by the bundled sync core
 * (`shopbooks export --format exact-xml`), for the accountant to import. Nothing is uploaded.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Runner;

defined( 'ABSPATH' ) || exit;

/**
 * The Exact XML download.
 */
final class Export_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route( '/export/exact-xml', \WP_REST_Server::READABLE, array( $this, 'exact_xml' ) );
	}

	/**
	 * A YYYY-MM-DD calendar date, or null.
	 *
	 * @param mixed $value Value.
	 * @return string|null
	 */
	private static function day( $value ): ?string {
		if ( ! is_string( $value ) ) {
			return null;
		}
		$d = \DateTime::createFromFormat( '!Y-m-d', $value );
		return $d && $d->format( 'Y-m-d' ) === $value ? $value : null;
	}

	/**
	 * GET /export/exact-xml.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function exact_xml( \WP_REST_Request $request ) {
		$since = self::day( $request->get_param( 'since' ) );
		if ( null === $since ) {
			return $this->invalid( 'since', __( 'Use a date like 2024-01-31.', 'shopbooks' ) );
		}
		$until_raw = $request->get_param( 'until' );
		$until     = null;
		if ( null !== $until_raw && '' !== $until_raw ) {
			$until = self::day( $until_raw );
			if ( null === $until ) {
				return $this->invalid( 'until', __( 'Use a date like 2024-01-31.', 'shopbooks' ) );
			}
			if ( $until <= $since ) {
				return $this->invalid( 'until', __( 'The end date must be after the start date.', 'shopbooks' ) );
			}
		}
		$blocker = Runner::blocker();
		if ( null !== $blocker ) {
			return array(
				'available' => false,
				'reason'    => $blocker,
			);
		}
		if ( ! function_exists( 'wp_tempnam' ) ) {
			require_once ABSPATH . 'wp-admin/includes/file.php';
		}
		$out = wp_tempnam( 'shopbooks-exact-xml' );
		try {
			$args = array( '--format', 'exact-xml', '--since', $since );
			if ( null !== $until ) {
				array_push( $args, '--until', $until );
			}
			array_push( $args, '--out', $out );
			$r   = Runner::run( 'export', $args, array( 'timeout' => 300, 'record' => false ) );
			$xml = $r['ok'] && is_readable( $out ) ? (string) file_get_contents( $out ) : ''; // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents
		} finally {
			if ( is_string( $out ) && file_exists( $out ) ) {
				wp_delete_file( $out );
			}
		}
		if ( ! $r['ok'] || '' === $xml || ! is_array( $r['json'] ) ) {
			return array(
				'available' => false,
				'reason'    => (string) ( $r['error'] ?? __( 'The export could not be made.', 'shopbooks' ) ),
			);
		}
		$summary = $r['json'];
		unset( $summary['out'] );
		return array(
			'available' => true,
			'filename'  => 'shopbooks-exact-' . $since . ( null !== $until ? '-' . $until : '' ) . '.xml',
			'xml'       => $xml,
			'summary'   => $summary,
		);
	}
}
