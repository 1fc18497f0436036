<?php
/**
 * Outgoing HTTP to Exact/Moneybird from the plugin (connect flows and pickers only; bookings are done
 * by the sync core). Errors come back as WP_Error with a plain message; secrets never go in a message.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Small JSON/form client over wp_remote_request.
 */
final class Http {
	/**
	 * Do a request and decode JSON.
	 *
	 * @param string $method  Method.
	 * @param string $url     URL.
	 * @param array  $headers Headers.
	 * @param mixed  $body    Body (array = form-encoded).
	 * @param string $system  "Exact Online" or "Moneybird", for messages.
	 * @return array|\WP_Error {status, json, headers}
	 */
	public static function request( string $method, string $url, array $headers, $body, string $system ) {
		$args = array(
			'method'      => $method,
			'headers'     => $headers + array( 'Accept' => 'application/json' ),
			'timeout'     => 30,
			'redirection' => 0,
			'user-agent'  => 'Shopbooks/' . SHOPBOOKS_VERSION . '; ' . home_url(),
		);
		if ( null !== $body ) {
			$args['body'] = $body;
		}
		// wp_remote_request (not wp_safe_remote_request): the base URL is set by the site owner, and the
		// sandbox/test simulators listen on loopback.
		$res = wp_remote_request( $url, $args );
		if ( is_wp_error( $res ) ) {
			/* translators: 1: system name, 2: error */
			return new \WP_Error( 'shopbooks_remote_unavailable', sprintf( __( '%1$s could not be reached: %2$s', 'shopbooks' ), $system, Secrets::redact( $res->get_error_message() ) ), array( 'status' => 502 ) );
		}
		$status = (int) wp_remote_retrieve_response_code( $res );
		$raw    = (string) wp_remote_retrieve_body( $res );
		$json   = json_decode( $raw, true );
		return array(
			'status'  => $status,
			'json'    => $json,
			'raw'     => $raw,
			'headers' => wp_remote_retrieve_headers( $res ),
		);
	}

	/**
	 * The remote error text, shortened and redacted (for messages to the shop owner).
	 *
	 * @param array $r Response from request().
	 * @return string
	 */
	public static function remote_message( array $r ): string {
		$j = $r['json'];
		$m = '';
		if ( is_array( $j ) ) {
			if ( isset( $j['error']['message']['value'] ) ) {
				$m = (string) $j['error']['message']['value']; // Exact OData error.
			} elseif ( isset( $j['error_description'] ) ) {
				$m = (string) $j['error_description'];
			} elseif ( isset( $j['error'] ) && is_string( $j['error'] ) ) {
				$m = $j['error'];
			}
		}
		if ( '' === $m ) {
			$m = 'HTTP ' . $r['status'];
		}
		return Secrets::redact( mb_substr( $m, 0, 300 ) );
	}
}
