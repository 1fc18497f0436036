<?php
/**
 * Ledger, mapping and log belong to one connection (one accounting system). The system the shop
 * was first connected to keeps the shop id as it is (existing ledgers keep working); another system
 * gets a scope of its own (`<shop id>~moneybird`), so orders booked in Exact Online never count as
 * done for Moneybird, and the log of one never shows the other's entries.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * The per-connection scope of the shop id.
 */
final class Connection_Scope {
	public const OPTION  = 'shopbooks_connection';
	public const SYSTEMS = array( 'exact', 'moneybird' );

	/**
	 * The first system this install booked with (recorded on first use).
	 *
	 * @param string $target Current target (recorded when nothing is yet).
	 * @return string
	 */
	public static function origin( string $target ): string {
		$o = get_option( self::OPTION );
		if ( is_array( $o ) && in_array( $o['origin'] ?? '', self::SYSTEMS, true ) ) {
			return (string) $o['origin'];
		}
		update_option( self::OPTION, array( 'origin' => $target ), false );
		return $target;
	}

	/**
	 * The shop id the sync core uses for $target.
	 *
	 * @param string $base   Shop id (install identity, or a configured source's id).
	 * @param string $target exact|moneybird.
	 * @return string
	 */
	public static function shop_id( string $base, string $target ): string {
		return self::origin( $target ) === $target ? $base : $base . '~' . $target;
	}

	/**
	 * Shop ids of the other systems' ledgers (hidden from the current log).
	 *
	 * @param string $base   Shop id.
	 * @param string $target Current target.
	 * @return string[]
	 */
	public static function other_shop_ids( string $base, string $target ): array {
		$out = array();
		foreach ( self::SYSTEMS as $system ) {
			if ( $system !== $target ) {
				$out[] = self::shop_id( $base, $system );
			}
		}
		return $out;
	}
}
