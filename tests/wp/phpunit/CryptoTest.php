<?php
/**
 * Encryption at rest.
 *
 * @package Shopbooks
 */

use PHPUnit\Framework\TestCase;
use Shopbooks\Crypto;
use Shopbooks\Secrets;

final class CryptoTest extends TestCase {
	public function test_round_trip_and_random_nonce(): void {
		$a = Crypto::encrypt( 'exact-secret-123456' );
		$b = Crypto::encrypt( 'exact-secret-123456' );
		$this->assertNotSame( $a, $b, 'every encryption uses a fresh nonce' );
		$this->assertStringStartsWith( 'sbx1:', $a );
		$this->assertStringNotContainsString( 'exact-secret', $a );
		$this->assertSame( 'exact-secret-123456', Crypto::decrypt( $a ) );
	}

	public function test_tampered_or_foreign_values_do_not_decrypt(): void {
		$enc    = Crypto::encrypt( 'token-abcdef' );
		$raw    = base64_decode( substr( $enc, 5 ) );
		$raw[30] = chr( ord( $raw[30] ) ^ 1 );
		$this->assertNull( Crypto::decrypt( 'sbx1:' . base64_encode( $raw ) ) );
		$this->assertNull( Crypto::decrypt( 'plain text' ) );
		$this->assertNull( Crypto::decrypt( 'sbx1:!!!' ) );
	}

	public function test_hint_shows_only_the_last_characters(): void {
		$this->assertSame( '••••ab12', Crypto::hint( 'verysecretvalueab12' ) );
		$this->assertSame( '••••', Crypto::hint( 'abc' ) );
		$this->assertNull( Crypto::hint( null ) );
		$this->assertNull( Crypto::hint( '' ) );
	}

	public function test_secrets_are_stored_encrypted_in_the_options_table(): void {
		Secrets::set( 'phpunit_probe', 'probe-secret-value-42' );
		global $wpdb;
		$raw = $wpdb->get_var( $wpdb->prepare( "SELECT option_value FROM {$wpdb->options} WHERE option_name = %s", Secrets::OPTION ) );
		$this->assertStringNotContainsString( 'probe-secret-value-42', (string) $raw );
		$this->assertSame( 'probe-secret-value-42', Secrets::get( 'phpunit_probe' ) );
		$this->assertSame( 'token [redacted] end', Secrets::redact( 'token probe-secret-value-42 end' ) );
		Secrets::set( 'phpunit_probe', null );
		$this->assertNull( Secrets::get( 'phpunit_probe' ) );
	}
}
