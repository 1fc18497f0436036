<?php
/**
 * Settings validation.
 *
 * @package Shopbooks
 */

use PHPUnit\Framework\TestCase;
use Shopbooks\Settings;

final class SettingsTest extends TestCase {
	public function test_defaults_are_complete(): void {
		$s = Settings::defaults();
		$this->assertSame( array( 'processing', 'completed' ), $s['rules']['bookStatuses'] );
		$this->assertSame( 15, $s['rules']['intervalMinutes'] );
		$this->assertSame( array( 'revenue', 'shipping', 'fees', 'discount', 'rounding' ), array_keys( $s['mapping']['glAccounts'] ) );
	}

	public function test_a_valid_partial_update_merges(): void {
		$next = Settings::validate_update(
			array(
				'target'  => 'moneybird',
				'rules'   => array( 'bookStatuses' => array( 'wc-completed' ), 'intervalMinutes' => 60, 'notifyEmail' => 'shop@example.com' ),
				'mapping' => array( 'vatMap' => array( 'domestic:21' => '2', 'oss:DE:19' => '9', 'domestic:9' => '' ), 'glAccounts' => array( 'revenue' => '8000' ) ),
			)
		);
		$this->assertIsArray( $next );
		$this->assertSame( 'moneybird', $next['target'] );
		$this->assertSame( array( 'completed' ), $next['rules']['bookStatuses'], 'the wc- prefix is dropped' );
		$this->assertSame( array( 'domestic:21' => '2', 'oss:DE:19' => '9' ), $next['mapping']['vatMap'], 'empty codes are not kept' );
		$this->assertSame( '8000', $next['mapping']['glAccounts']['revenue'] );
		$this->assertSame( '', $next['mapping']['glAccounts']['shipping'] );
	}

	/**
	 * @dataProvider bad_updates
	 */
	public function test_bad_input_is_refused_field_by_field( array $input, string $field ): void {
		$r = Settings::validate_update( $input );
		$this->assertInstanceOf( WP_Error::class, $r );
		$this->assertSame( 'rest_invalid_param', $r->get_error_code() );
		$this->assertArrayHasKey( $field, $r->get_error_data()['params'] );
		$this->assertSame( 400, $r->get_error_data()['status'] );
	}

	public function bad_updates(): array {
		return array(
			'no status'       => array( array( 'rules' => array( 'bookStatuses' => array() ) ), 'rules.bookStatuses' ),
			'unknown status'  => array( array( 'rules' => array( 'bookStatuses' => array( 'paid-ish' ) ) ), 'rules.bookStatuses' ),
			'interval'        => array( array( 'rules' => array( 'intervalMinutes' => 7 ) ), 'rules.intervalMinutes' ),
			'date'            => array( array( 'rules' => array( 'startDate' => '2024-02-30' ) ), 'rules.startDate' ),
			'email'           => array( array( 'rules' => array( 'notifyEmail' => 'not-an-email' ) ), 'rules.notifyEmail' ),
			'prefix'          => array( array( 'rules' => array( 'referencePrefix' => 'WAY-TOO-LONG' ) ), 'rules.referencePrefix' ),
			'paid only'       => array( array( 'rules' => array( 'paidOnly' => 'yes' ) ), 'rules.paidOnly' ),
			'vat key'         => array( array( 'mapping' => array( 'vatMap' => array( 'twenty-one' => '2' ) ) ), 'mapping.vatMap.twenty-one' ),
			'gl role'         => array( array( 'mapping' => array( 'glAccounts' => array( 'coffee' => '1' ) ) ), 'mapping.glAccounts.coffee' ),
			'target'          => array( array( 'target' => 'sap' ), 'target' ),
			'unknown top key' => array( array( 'password' => 'x' ), 'password' ),
			'collective'      => array( array( 'rules' => array( 'customerMode' => 'collective', 'collectiveCustomer' => '' ) ), 'rules.collectiveCustomer' ),
		);
	}
}
