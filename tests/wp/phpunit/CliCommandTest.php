<?php
/**
 * `wp shopbooks sync|backfill|status` through the minimal WP_CLI harness of bootstrap.php: the
 * command class is registered by the plugin and runs the same runner as WP-Cron.
 *
 * @package Shopbooks
 */

use PHPUnit\Framework\TestCase;

final class CliCommandTest extends TestCase {
	private static string $probe;
	private static $endpoints;

	public static function setUpBeforeClass(): void {
		// A stand-in sync core that reports what it received (never the values of secrets), with the
		// real core's summary shape: `booked` counts per document kind.
		self::$probe = sys_get_temp_dir() . '/shopbooks-cli-probe-' . getmypid() . '.js';
		file_put_contents(
			self::$probe,
			"const c = JSON.parse(process.env.SHOPBOOKS_CONFIG_JSON || 'null');\n" .
			"const cmd = process.argv[2];\n" .
			"if (cmd === 'sync' && process.env.SBTEST_FAIL) { process.stderr.write(JSON.stringify({ error: { code: 'AuthFailed', message: 'Exact Online refused the connection.' } }) + '\\n'); process.exit(1); }\n" .
			"process.stdout.write(JSON.stringify({ command: cmd, args: process.argv.slice(3), booked: { order: 2, refund: 1, cancellation: 0 }, failed: 1, skipped: 0, storeKind: c && c.store.kind, configOnArgv: process.argv.join(' ').includes('applicationPassword') }) + '\\n');\n"
		);
		update_option( 'sbtest_core_path', self::$probe );
		// WooCommerce is not active here: read orders from a (sandbox) shop instead, as the cron test does.
		self::$endpoints = get_option( \Shopbooks\Endpoints::OPTION, array() );
		\Shopbooks\Endpoints::set_overrides( array( 'source' => array( 'platform' => 'woocommerce', 'url' => 'http://127.0.0.1:9', 'consumerKey' => 'ck_x', 'consumerSecret' => 'cs_cli_test_secret' ) ) );
		add_filter( 'shopbooks_sync_core_path', static fn() => self::$probe );
		// The sync reads orders as its own user: without its application password the runner refuses.
		\Shopbooks\Secrets::set( 'sync_app_password', 'cli-test-app-password' );
	}

	public static function tearDownAfterClass(): void {
		delete_option( 'sbtest_core_path' );
		update_option( \Shopbooks\Endpoints::OPTION, self::$endpoints );
		@unlink( self::$probe );
		\Shopbooks\Secrets::set( 'sync_app_password', null );
		putenv( 'SBTEST_FAIL' );
	}

	public function test_without_sync_access_the_runner_says_what_to_do(): void {
		\Shopbooks\Secrets::set( 'sync_app_password', null );
		[ $code, $out ] = WP_CLI::run( 'shopbooks', 'sync' );
		\Shopbooks\Secrets::set( 'sync_app_password', 'cli-test-app-password' );
		$this->assertSame( 1, $code );
		$this->assertStringContainsString( 'Set up access for the sync on the Connection tab first', $out[0] );
	}

	public function test_the_plugin_registers_the_command(): void {
		$this->assertSame( \Shopbooks\Cli_Command::class, WP_CLI::$commands['shopbooks'] ?? null );
	}

	public function test_sync_runs_the_runner_and_reports(): void {
		[ $code, $out ] = WP_CLI::run( 'shopbooks', 'sync' );
		$this->assertSame( 0, $code, implode( "\n", $out ) );
		$this->assertSame( array( 'Success: 3 booked, 1 failed, 0 skipped' ), $out );
		$last = get_option( \Shopbooks\Runner::RESULT_OPTION );
		$this->assertSame( '3 booked, 1 failed, 0 skipped', $last['summary'] );
		$this->assertSame( 'sync', $last['command'] );
		$this->assertSame( 0, $last['exitCode'] );
	}

	public function test_backfill_needs_a_date_and_passes_it(): void {
		[ $code, $out ] = WP_CLI::run( 'shopbooks', 'backfill', array(), array() );
		$this->assertSame( 1, $code );
		$this->assertStringContainsString( '--since', $out[0] );
		[ $code ] = WP_CLI::run( 'shopbooks', 'backfill', array(), array( 'since' => '2024-01-01' ) );
		$this->assertSame( 0, $code );
		$r = \Shopbooks\Runner::run( 'backfill', array( '--since', '2024-01-01' ), array( 'record' => false ) );
		$this->assertSame( array( '--since', '2024-01-01', '--json' ), $r['json']['args'] );
		$this->assertSame( 'wordpress', $r['json']['storeKind'] );
		$this->assertFalse( $r['json']['configOnArgv'], 'the configuration is never on the command line' );
	}

	public function test_a_failing_sync_is_an_error_with_the_core_message(): void {
		putenv( 'SBTEST_FAIL=1' );
		try {
			[ $code, $out ] = WP_CLI::run( 'shopbooks', 'sync' );
		} finally {
			putenv( 'SBTEST_FAIL' );
		}
		$this->assertSame( 1, $code );
		$this->assertSame( array( 'Error: Exact Online refused the connection.' ), $out );
	}

	public function test_without_woocommerce_or_a_source_nothing_runs(): void {
		$saved = get_option( \Shopbooks\Endpoints::OPTION );
		delete_option( \Shopbooks\Endpoints::OPTION );
		try {
			[ $code, $out ] = WP_CLI::run( 'shopbooks', 'sync' );
		} finally {
			update_option( \Shopbooks\Endpoints::OPTION, $saved );
		}
		$this->assertSame( 1, $code );
		$this->assertSame( array( 'Error: WooCommerce is not active, so there are no orders to book yet.' ), $out );
	}

	public function test_status_prints_json(): void {
		[ $code, $out ] = WP_CLI::run( 'shopbooks', 'status', array(), array( 'format' => 'json' ) );
		$this->assertSame( 0, $code );
		$data = json_decode( $out[0], true );
		$this->assertArrayHasKey( 'next_run', $data );
		$this->assertArrayHasKey( 'failed', $data );
		$this->assertStringContainsString( 'woocommerce_inactive', $data['problems'] );
	}

	public function test_missing_node_is_a_clear_error(): void {
		update_option( \Shopbooks\Node_Locator::OPTION, '/nonexistent/node' );
		\Shopbooks\Node_Locator::flush();
		try {
			[ $code, $out ] = WP_CLI::run( 'shopbooks', 'sync' );
		} finally {
			update_option( \Shopbooks\Node_Locator::OPTION, '' );
			\Shopbooks\Node_Locator::flush();
		}
		$this->assertSame( 1, $code );
		$this->assertStringContainsString( '/nonexistent/node is not an executable file', $out[0] );
	}
}
