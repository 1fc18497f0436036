<?php
/**
 * Encryption at rest for credentials and tokens (libsodium secretbox).
 *
 * The key is the SHOPBOOKS_KEY constant when defined (any string; hashed to 32 bytes), else it is
 * derived from the site's AUTH_KEY and SECURE_AUTH_KEY salts. Changing either makes stored secrets
 * unreadable: the connections then show as "not set" and must be entered again.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Encrypts and decrypts short secrets.
 */
final class Crypto {
	private const PREFIX = 'sbx1:';

	/**
	 * The 32-byte key.
	 *
	 * @return string
	 */
	private static function key(): string {
		if ( defined( 'SHOPBOOKS_KEY' ) && '' !== (string) constant( 'SHOPBOOKS_KEY' ) ) {
			$material = 'shopbooks-key|' . (string) constant( 'SHOPBOOKS_KEY' );
		} else {
			$auth     = defined( 'AUTH_KEY' ) ? AUTH_KEY : '';
			$secure   = defined( 'SECURE_AUTH_KEY' ) ? SECURE_AUTH_KEY : '';
			$material = 'shopbooks-salts|' . $auth . '|' . $secure;
		}
		return sodium_crypto_generichash( $material, '', SODIUM_CRYPTO_SECRETBOX_KEYBYTES );
	}

	/**
	 * Encrypt a string.
	 *
	 * @param string $plain Secret.
	 * @return string "sbx1:" + base64(nonce . ciphertext)
	 */
	public static function encrypt( string $plain ): string {
		$nonce = random_bytes( SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$box   = sodium_crypto_secretbox( $plain, $nonce, self::key() );
		return self::PREFIX . base64_encode( $nonce . $box ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
	}

	/**
	 * Decrypt; null when the value is not ours or the key changed.
	 *
	 * @param string $stored Encrypted value.
	 * @return string|null
	 */
	public static function decrypt( string $stored ): ?string {
		if ( 0 !== strpos( $stored, self::PREFIX ) ) {
			return null;
		}
		$raw = base64_decode( substr( $stored, strlen( self::PREFIX ) ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode
		if ( false === $raw || strlen( $raw ) <= SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ) {
			return null;
		}
		$nonce = substr( $raw, 0, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES );
		$plain = sodium_crypto_secretbox_open( substr( $raw, SODIUM_CRYPTO_SECRETBOX_NONCEBYTES ), $nonce, self::key() );
		return false === $plain ? null : $plain;
	}

	/**
	 * A masked hint of a secret: "••••ab12" (last four characters; fewer for short secrets).
	 *
	 * @param string|null $secret Secret.
	 * @return string|null
	 */
	public static function hint( ?string $secret ): ?string {
		if ( null === $secret || '' === $secret ) {
			return null;
		}
		$len  = strlen( $secret );
		$show = $len >= 12 ? 4 : ( $len >= 6 ? 2 : 0 );
		return '••••' . ( $show ? substr( $secret, -$show ) : '' );
	}
}
