<?php
/**
 * Encrypted secret storage in one non-autoloaded option. Secrets never leave this class except to
 * the runner's environment and the outgoing OAuth/API calls.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Named secrets: exact_client_secret, moneybird_token, moneybird_client_secret, sync_app_password, …
 */
final class Secrets {
	public const OPTION = 'shopbooks_secrets';

	/**
	 * Read a secret.
	 *
	 * @param string $name Name.
	 * @return string|null
	 */
	public static function get( string $name ): ?string {
		$all = get_option( self::OPTION, array() );
		if ( ! is_array( $all ) || ! isset( $all[ $name ] ) || ! is_string( $all[ $name ] ) ) {
			return null;
		}
		return Crypto::decrypt( $all[ $name ] );
	}

	/**
	 * Store (or with null, remove) a secret.
	 *
	 * @param string      $name  Name.
	 * @param string|null $value Value.
	 */
	public static function set( string $name, ?string $value ): void {
		$all = get_option( self::OPTION, array() );
		if ( ! is_array( $all ) ) {
			$all = array();
		}
		if ( null === $value || '' === $value ) {
			unset( $all[ $name ] );
		} else {
			$all[ $name ] = Crypto::encrypt( $value );
		}
		update_option( self::OPTION, $all, false );
	}

	/**
	 * Every secret value currently stored (for redacting them from any text before it is kept).
	 *
	 * @return string[]
	 */
	public static function all_values(): array {
		$all = get_option( self::OPTION, array() );
		$out = array();
		foreach ( is_array( $all ) ? $all : array() as $name => $stored ) {
			$plain = is_string( $stored ) ? Crypto::decrypt( $stored ) : null;
			if ( null !== $plain && strlen( $plain ) >= 6 ) {
				$out[] = $plain;
			}
		}
		foreach ( Store_Db::token_secret_values() as $v ) {
			$out[] = $v;
		}
		return $out;
	}

	/**
	 * Replace every known secret in a text with [redacted].
	 *
	 * @param string $text Text.
	 * @return string
	 */
	public static function redact( string $text ): string {
		foreach ( self::all_values() as $secret ) {
			$text = str_replace( $secret, '[redacted]', $text );
		}
		// Bearer tokens and Basic credentials that we may not know about.
		$text = preg_replace( '/(Bearer|Basic)\s+[A-Za-z0-9._~+\/=!-]{8,}/', '$1 [redacted]', $text );
		return (string) $text;
	}
}
