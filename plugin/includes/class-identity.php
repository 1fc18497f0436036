<?php
/**
 * Who this shop is, and where it was connected (docs/plugin.md "Identity, clones and moves").
 *
 * - The shop id (ledger keys, cursors, the reference guard, customer mappings) is an install id
 *   generated once. Installs from before it keep the host of home_url they used as shop id, frozen,
 *   so their ledger and cursors keep working and nothing is booked twice.
 * - The site URL the connection was made on is remembered with a marker in the middle (the way
 *   WooCommerce Subscriptions stores `wc_subscriptions_siteurl`), so the search-replace that
 *   migration and staging tools run over every table cannot rewrite it. When home_url() differs the
 *   site has moved or is a copy: syncing and token refreshing stop until an administrator says which.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Install identity and clone/move detection.
 */
final class Identity {
	public const OPTION = 'shopbooks_identity';
	private const MARK  = '_[shopbooks_siteurl]_';

	/**
	 * A value with the marker in the middle: no search-replace of a URL or host finds it.
	 *
	 * @param string $value Value.
	 * @return string
	 */
	public static function mark( string $value ): string {
		return substr_replace( $value, self::MARK, intdiv( strlen( $value ), 2 ), 0 );
	}

	/**
	 * The value without its marker.
	 *
	 * @param string $value Stored value.
	 * @return string
	 */
	public static function unmark( string $value ): string {
		return str_replace( self::MARK, '', $value );
	}

	/**
	 * A URL as compared for moves: host, port and path, lower case, without scheme or trailing slash
	 * (http → https alone is not a move).
	 *
	 * @param string $url URL.
	 * @return string
	 */
	public static function normalize( string $url ): string {
		$p = wp_parse_url( $url );
		if ( ! is_array( $p ) || empty( $p['host'] ) ) {
			return strtolower( untrailingslashit( $url ) );
		}
		return strtolower( $p['host'] ) . ( isset( $p['port'] ) ? ':' . $p['port'] : '' ) . untrailingslashit( strtolower( $p['path'] ?? '' ) );
	}

	/**
	 * The stored record, created on first use: {id, url} (both marked), legacy (bool).
	 *
	 * @return array
	 */
	private static function record(): array {
		$r = get_option( self::OPTION );
		if ( is_array( $r ) && ! empty( $r['id'] ) && ! empty( $r['url'] ) ) {
			return $r;
		}
		// An install from before the install id (its tables exist): keep the id it has been using.
		$legacy = false !== get_option( 'shopbooks_db_version', false );
		$id     = $legacy ? (string) wp_parse_url( home_url(), PHP_URL_HOST ) : '';
		if ( '' === $id ) {
			$id     = wp_generate_uuid4();
			$legacy = false;
		}
		$r = array(
			'id'     => self::mark( $id ),
			'url'    => self::mark( home_url() ),
			'legacy' => $legacy,
		);
		add_option( self::OPTION, $r, '', 'yes' );
		// A concurrent request may have won the add; use what is stored.
		$stored = get_option( self::OPTION );
		return is_array( $stored ) && ! empty( $stored['id'] ) ? $stored : $r;
	}

	/**
	 * Make sure the identity exists (activation, upgrade).
	 */
	public static function ensure(): void {
		self::record();
	}

	/**
	 * The shop id of this install.
	 *
	 * @return string
	 */
	public static function shop_id(): string {
		return self::unmark( (string) self::record()['id'] );
	}

	/**
	 * The home URL the connection belongs to.
	 *
	 * @return string
	 */
	public static function connected_url(): string {
		return self::unmark( (string) self::record()['url'] );
	}

	/**
	 * True when home_url() is not the URL this install was connected on (moved or copied).
	 *
	 * @return bool
	 */
	public static function is_moved(): bool {
		return self::normalize( self::connected_url() ) !== self::normalize( home_url() );
	}

	/**
	 * Why syncing and token refreshing are stopped (null when they are not).
	 *
	 * @return string|null
	 */
	public static function blocker(): ?string {
		if ( ! self::is_moved() ) {
			return null;
		}
		return sprintf(
			/* translators: 1: URL connected on, 2: current URL */
			__( 'This site was connected to the books at %1$s but now runs at %2$s: it has moved or it is a copy (staging). Shopbooks stopped syncing and does not renew the connection until an administrator chooses "This site moved" or "This is a copy".', 'shopbooks' ),
			self::connected_url(),
			home_url()
		);
	}

	/**
	 * For GET /identity.
	 *
	 * @return array
	 */
	public static function view(): array {
		return array(
			'state'        => self::is_moved() ? 'moved' : 'ok',
			'shopId'       => self::shop_id(),
			'connectedUrl' => self::connected_url(),
			'currentUrl'   => home_url(),
		);
	}

	/**
	 * "This site moved": the same shop at a new address. Re-bind and carry on (same id, same ledger).
	 *
	 * @return array view
	 */
	public static function moved(): array {
		$r        = self::record();
		$r['url'] = self::mark( home_url() );
		update_option( self::OPTION, $r, true );
		return self::view();
	}

	/**
	 * "This is a copy": forget the connection on this copy (local secrets, tokens, facts and the sync
	 * user's password) without calling Exact or Moneybird, so the live site's tokens stay valid; the
	 * copy becomes a new shop with an id of its own and never books under the live shop's id.
	 *
	 * @return array view
	 */
	public static function copy(): array {
		Connections::forget_local();
		Store_Db::forget_tokens();
		Scheduler::clear_all();
		update_option(
			self::OPTION,
			array(
				'id'     => self::mark( wp_generate_uuid4() ),
				'url'    => self::mark( home_url() ),
				'legacy' => false,
			),
			true
		);
		delete_option( Connection_Scope::OPTION );
		Scheduler::ensure();
		return self::view();
	}
}
