<?php
/**
 * One-time OAuth `state` values, bound to a user and a system, valid 10 minutes, single use.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Create, check and consume OAuth states.
 */
final class Oauth_State {
	private const TTL = 600;

	/**
	 * Option name of a state (only the hash is stored).
	 *
	 * @param string $state State.
	 * @return string
	 */
	private static function name( string $state ): string {
		return 'shopbooks_oauth_' . substr( hash( 'sha256', $state ), 0, 40 );
	}

	/**
	 * New state for the current user.
	 *
	 * @param string $system exact|moneybird.
	 * @return string
	 */
	public static function create( string $system ): string {
		$state = bin2hex( random_bytes( 24 ) );
		set_transient(
			self::name( $state ),
			array(
				'user'   => get_current_user_id(),
				'system' => $system,
				'hash'   => hash( 'sha256', $state ),
			),
			self::TTL
		);
		return $state;
	}

	/**
	 * Is $state a live state for $system? Returns its user id, or null.
	 *
	 * @param mixed  $state  From the query string.
	 * @param string $system exact|moneybird.
	 * @return int|null
	 */
	public static function peek( $state, string $system ): ?int {
		if ( ! is_string( $state ) || ! preg_match( '/^[a-f0-9]{48}$/', $state ) ) {
			return null;
		}
		$rec = get_transient( self::name( $state ) );
		if ( ! is_array( $rec ) || ( $rec['system'] ?? '' ) !== $system || ! hash_equals( (string) ( $rec['hash'] ?? '' ), hash( 'sha256', $state ) ) ) {
			return null;
		}
		return (int) $rec['user'];
	}

	/**
	 * Use a state up (single use).
	 *
	 * @param string $state State.
	 */
	public static function consume( string $state ): void {
		delete_transient( self::name( $state ) );
	}

	/**
	 * The user a callback request comes from: an authenticated REST user (application password), or
	 * the logged-in cookie (the browser arrives by redirect, without a REST nonce, so WordPress treats
	 * the REST request as anonymous; we validate the logged-in cookie ourselves).
	 *
	 * @return int
	 */
	public static function request_user(): int {
		$uid = get_current_user_id();
		if ( $uid ) {
			return $uid;
		}
		$cookie = defined( 'LOGGED_IN_COOKIE' ) && isset( $_COOKIE[ LOGGED_IN_COOKIE ] ) ? (string) wp_unslash( $_COOKIE[ LOGGED_IN_COOKIE ] ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized
		if ( '' === $cookie ) {
			return 0;
		}
		return (int) wp_validate_auth_cookie( $cookie, 'logged_in' );
	}
}
