<?php
/**
 * The plugin-side Store: claim rule, compare-and-swap, locks, runs.
 *
 * @package Shopbooks
 */

use PHPUnit\Framework\TestCase;
use Shopbooks\Store_Db;

final class StoreDbTest extends TestCase {
	private static function init( string $key ): array {
		return array( 'key' => $key, 'kind' => 'order', 'shopId' => 'phpunit', 'orderId' => '7', 'orderNumber' => '1007', 'refundId' => null, 'reference' => '1007', 'contentHash' => null );
	}

	public function test_claim_rule_matches_the_port(): void {
		$key = 'phpunit:order:' . wp_generate_uuid4();
		$a   = Store_Db::claim( $key, self::init( $key ), 'run-a', 60000 );
		$this->assertTrue( $a['ok'] );
		$this->assertSame( 'claimed', $a['entry']['status'] );
		$this->assertSame( 0, $a['entry']['attempts'] );
		$b = Store_Db::claim( $key, self::init( $key ), 'run-b', 60000 );
		$this->assertFalse( $b['ok'] );
		$this->assertSame( 'claimed-elsewhere', $b['reason'] );
		$this->assertTrue( Store_Db::claim( $key, self::init( $key ), 'run-a', 60000 )['ok'], 'the same run may claim again' );
		Store_Db::update_entry( $key, array( 'status' => 'failed', 'attempts' => 1, 'claimExpiresAt' => '2000-01-01T00:00:00.000Z' ) );
		$c = Store_Db::claim( $key, self::init( $key ), 'run-b', 60000 );
		$this->assertTrue( $c['ok'], 'an expired claim is taken over' );
		$this->assertSame( 'failed', $c['entry']['status'], 'a failed entry keeps its status while retried' );
		Store_Db::update_entry( $key, array( 'status' => 'booked' ) );
		$d = Store_Db::claim( $key, self::init( $key ), 'run-c', 60000 );
		$this->assertFalse( $d['ok'] );
		$this->assertSame( 'booked', $d['reason'] );
	}

	public function test_token_compare_and_swap(): void {
		$name = 'phpunit:' . wp_generate_uuid4();
		$this->assertSame( 1, Store_Db::cas_token( $name, null, array( 'refreshToken' => 'r1' ) ) );
		$this->assertNull( Store_Db::cas_token( $name, null, array( 'refreshToken' => 'r-lost' ) ), 'creating twice loses' );
		$this->assertNull( Store_Db::cas_token( $name, 5, array( 'refreshToken' => 'r-stale' ) ), 'a stale version loses' );
		$this->assertSame( 2, Store_Db::cas_token( $name, 1, array( 'refreshToken' => 'refresh-value-two' ) ) );
		$tok = Store_Db::get_token( $name );
		$this->assertSame( 2, $tok['version'] );
		$this->assertSame( 'refresh-value-two', ( (array) $tok['value'] )['refreshToken'] );
		global $wpdb;
		$raw = $wpdb->get_var( $wpdb->prepare( 'SELECT value FROM ' . Store_Db::table( 'tokens' ) . ' WHERE name = %s', $name ) );
		$this->assertStringStartsWith( 'sbx1:', (string) $raw, 'tokens are encrypted at rest' );
		$this->assertStringNotContainsString( 'refresh-value-two', (string) $raw );
		Store_Db::delete_token( $name );
	}

	public function test_locks_are_exclusive_reentrant_and_expire(): void {
		$name = 'phpunit-lock-' . wp_generate_uuid4();
		$this->assertTrue( Store_Db::lock( $name, 'a', 60000 )['acquired'] );
		$this->assertFalse( Store_Db::lock( $name, 'b', 60000 )['acquired'] );
		$this->assertTrue( Store_Db::lock( $name, 'a', 60000 )['acquired'], 're-entrant for the owner' );
		$this->assertFalse( Store_Db::unlock( $name, 'b' ), 'only the owner unlocks' );
		$this->assertTrue( Store_Db::unlock( $name, 'a' ) );
		$this->assertTrue( Store_Db::lock( $name, 'b', 1 )['acquired'] );
		usleep( 5000 );
		$this->assertTrue( Store_Db::lock( $name, 'c', 60000 )['acquired'], 'an expired lock is taken over' );
		Store_Db::unlock( $name, 'c' );
	}

	public function test_runs_and_redaction_of_run_messages(): void {
		\Shopbooks\Secrets::set( 'phpunit_run_secret', 'run-secret-xyz-123' );
		$run = Store_Db::start_run( 'sync' );
		$this->assertNull( $run['finishedAt'] );
		$run['booked']     = 3;
		$run['finishedAt'] = Store_Db::iso();
		$run['message']    = 'used run-secret-xyz-123 and Bearer abcdefghijklmnop';
		$this->assertTrue( Store_Db::finish_run( $run ) );
		$found = array_values( array_filter( Store_Db::list_runs( 50 ), static fn( $r ) => $r['id'] === $run['id'] ) );
		$this->assertSame( 3, $found[0]['booked'] );
		$this->assertStringNotContainsString( 'run-secret-xyz-123', $found[0]['message'] );
		$this->assertStringNotContainsString( 'abcdefghijklmnop', $found[0]['message'] );
		$this->assertFalse( Store_Db::finish_run( array( 'id' => 'no-such-run' ) ) );
		\Shopbooks\Secrets::set( 'phpunit_run_secret', null );
	}
}
