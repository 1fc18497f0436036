<?php
/**
 * Runs the bundled sync core: `node <plugin>/sync-core/shopbooks.js <command> … --json` with the
 * configuration in SHOPBOOKS_CONFIG_JSON. Only ever called from WP-Cron, WP-CLI or a background
 * request — never inside a shopper's request.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * The runner shared by WP-Cron, the WP-CLI command and the REST actions.
 */
final class Runner {
	public const RESULT_OPTION = 'shopbooks_last_result';
	public const COMMANDS      = array( 'sync', 'backfill', 'status', 'preview', 'export' );

	/**
	 * Path of the bundled sync core.
	 *
	 * @return string
	 */
	public static function script(): string {
		return (string) apply_filters( 'shopbooks_sync_core_path', SHOPBOOKS_DIR . '/sync-core/shopbooks.js' );
	}

	/**
	 * Why a run cannot start now, in plain words (null = it can).
	 *
	 * @return string|null
	 */
	public static function blocker(): ?string {
		$moved = Identity::blocker();
		if ( null !== $moved ) {
			return $moved;
		}
		$overrides = Endpoints::overrides();
		if ( ! class_exists( 'WooCommerce' ) && empty( $overrides['source'] ) ) {
			return __( 'WooCommerce is not active, so there are no orders to book yet.', 'shopbooks' );
		}
		$node = Node_Locator::locate();
		if ( ! $node['found'] ) {
			return (string) $node['problem'];
		}
		if ( ! is_readable( self::script() ) ) {
			return __( 'The bundled sync core (sync-core/shopbooks.js) is missing from the plugin. Reinstall the plugin from its zip.', 'shopbooks' );
		}
		if ( '' === (string) Secrets::get( 'sync_app_password' ) ) {
			return __( 'Set up access for the sync on the Connection tab first: Shopbooks reads the orders with its own WooCommerce user.', 'shopbooks' );
		}
		return null;
	}

	/**
	 * Run a command.
	 *
	 * @param string   $command  sync|backfill|status|preview|export.
	 * @param string[] $args     Extra arguments (e.g. ['--since', '2024-01-01']).
	 * @param array    $opts     timeout (s), record (bool, default true for sync/backfill).
	 * @return array{ok:bool, exitCode:int|null, json:mixed, stdout:string, stderr:string, error:?string, durationMs:int}
	 */
	public static function run( string $command, array $args = array(), array $opts = array() ): array {
		$t0     = microtime( true );
		$record = $opts['record'] ?? in_array( $command, array( 'sync', 'backfill' ), true );
		$result = array(
			'ok'         => false,
			'exitCode'   => null,
			'json'       => null,
			'stdout'     => '',
			'stderr'     => '',
			'error'      => null,
			'durationMs' => 0,
		);
		if ( ! in_array( $command, self::COMMANDS, true ) ) {
			$result['error'] = 'unknown command';
			return $result;
		}
		$blocker = self::blocker();
		if ( null !== $blocker ) {
			$result['error'] = $blocker;
			if ( $record ) {
				self::remember( $command, $result );
			}
			return $result;
		}
		// One spawned sync at a time (the engine's claims make overlaps safe, this makes them rare).
		$owner = 'runner-' . wp_generate_uuid4();
		$lock  = null;
		if ( $record ) {
			$lock = Store_Db::lock( 'plugin-runner', $owner, 1000 * ( (int) ( $opts['timeout'] ?? 900 ) + 60 ) );
			if ( ! $lock['acquired'] ) {
				$result['error'] = __( 'Another sync run is still busy.', 'shopbooks' );
				return $result;
			}
		}
		try {
			$config  = Sync_Config::build();
			$secrets = Sync_Config::secret_values( $config );
			$env     = getenv();
			$env     = is_array( $env ) ? $env : array();
			$env['SHOPBOOKS_CONFIG_JSON'] = (string) wp_json_encode( $config );
			$env['SHOPBOOKS_PLUGIN']      = '1';
			$node = Node_Locator::locate();
			$cmd  = array_merge( array( (string) $node['path'], self::script(), $command ), array_map( 'strval', $args ), array( '--json' ) );
			$spec = array(
				0 => array( 'file', '/dev/null', 'r' ),
				1 => array( 'pipe', 'w' ),
				2 => array( 'pipe', 'w' ),
			);
			$proc = proc_open( $cmd, $spec, $pipes, SHOPBOOKS_DIR, $env ); // phpcs:ignore Generic.PHP.ForbiddenFunctions
			unset( $env, $config );
			if ( ! is_resource( $proc ) ) {
				$result['error'] = __( 'The sync core could not be started.', 'shopbooks' );
			} else {
				self::collect( $proc, $pipes, (int) ( $opts['timeout'] ?? 900 ), $result );
				$result['stdout'] = self::redact( $result['stdout'], $secrets );
				$result['stderr'] = self::redact( $result['stderr'], $secrets );
				$json             = json_decode( self::last_json_line( $result['stdout'] ), true );
				$result['json']   = $json;
				$result['ok']     = 0 === $result['exitCode'];
				if ( ! $result['ok'] && null === $result['error'] ) {
					$msg = is_array( $json ) ? (string) ( $json['error']['message'] ?? $json['message'] ?? '' ) : '';
					if ( '' === $msg ) {
						// With --json the CLI writes {"error":{code,message}} to stderr.
						$err = json_decode( self::last_json_line( $result['stderr'] ), true );
						$msg = is_array( $err ) ? (string) ( $err['error']['message'] ?? '' ) : '';
					}
					$result['error'] = '' !== $msg ? $msg : self::tail( $result['stderr'] );
				}
			}
		} finally {
			if ( $lock ) {
				Store_Db::unlock( 'plugin-runner', $owner );
			}
		}
		$result['durationMs'] = (int) round( ( microtime( true ) - $t0 ) * 1000 );
		if ( $record ) {
			self::remember( $command, $result );
		}
		return $result;
	}

	/**
	 * Read stdout/stderr until exit or timeout (then terminate).
	 *
	 * @param resource $proc    Process.
	 * @param array    $pipes   Pipes.
	 * @param int      $timeout Seconds.
	 * @param array    $result  Result (by reference).
	 */
	private static function collect( $proc, array $pipes, int $timeout, array &$result ): void {
		stream_set_blocking( $pipes[1], false );
		stream_set_blocking( $pipes[2], false );
		$deadline = microtime( true ) + $timeout;
		$open     = array(
			1 => $pipes[1],
			2 => $pipes[2],
		);
		while ( $open ) {
			$read   = array_values( $open );
			$write  = null;
			$except = null;
			if ( false === @stream_select( $read, $write, $except, 1 ) ) { // phpcs:ignore WordPress.PHP.NoSilencedErrors
				break;
			}
			foreach ( $open as $fd => $pipe ) {
				$chunk = fread( $pipe, 65536 ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fread
				if ( false !== $chunk && '' !== $chunk ) {
					$key            = 1 === $fd ? 'stdout' : 'stderr';
					$result[ $key ] = substr( $result[ $key ] . $chunk, -1048576 );
				}
				if ( feof( $pipe ) ) {
					fclose( $pipe ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
					unset( $open[ $fd ] );
				}
			}
			if ( microtime( true ) > $deadline ) {
				proc_terminate( $proc );
				/* translators: %d: seconds */
				$result['error'] = sprintf( __( 'The sync run took longer than %d seconds and was stopped.', 'shopbooks' ), $timeout );
				foreach ( $open as $pipe ) {
					fclose( $pipe ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
				}
				break;
			}
		}
		$code               = proc_close( $proc );
		$result['exitCode'] = $code;
	}

	/**
	 * The last line of output that is JSON (the CLI prints one JSON document with --json).
	 *
	 * @param string $out Output.
	 * @return string
	 */
	private static function last_json_line( string $out ): string {
		$trim = trim( $out );
		if ( '' !== $trim && null !== json_decode( $trim ) ) {
			return $trim;
		}
		$lines = array_reverse( preg_split( '/\r?\n/', $trim ) );
		foreach ( $lines as $line ) {
			$line = trim( $line );
			if ( '' !== $line && ( '{' === $line[0] || '[' === $line[0] ) && null !== json_decode( $line ) ) {
				return $line;
			}
		}
		return 'null';
	}

	/**
	 * Redact secrets from a text.
	 *
	 * @param string   $text    Text.
	 * @param string[] $secrets Secret values.
	 * @return string
	 */
	private static function redact( string $text, array $secrets ): string {
		foreach ( $secrets as $s ) {
			$text = str_replace( $s, '[redacted]', $text );
		}
		return Secrets::redact( $text );
	}

	/**
	 * Last few lines of a text.
	 *
	 * @param string $text Text.
	 * @return string
	 */
	private static function tail( string $text ): string {
		$lines = array_filter( preg_split( '/\r?\n/', trim( $text ) ) );
		return mb_substr( implode( "\n", array_slice( $lines, -5 ) ), 0, 1000 );
	}

	/**
	 * Keep the outcome of the last run for the log page.
	 *
	 * @param string $command Command.
	 * @param array  $result  Result.
	 */
	/**
	 * A count from the core's JSON summary: `booked` is per document kind ({order, refund,
	 * cancellation}), the others are numbers. (An (int) cast of the object gave 1, always.)
	 *
	 * @param mixed $v A number or an object of numbers.
	 */
	public static function total( $v ): int {
		return is_array( $v ) ? (int) array_sum( array_map( 'intval', $v ) ) : (int) $v;
	}

	private static function remember( string $command, array $result ): void {
		$j       = is_array( $result['json'] ) ? $result['json'] : array();
		$summary = '';
		if ( isset( $j['booked'] ) || isset( $j['failed'] ) ) {
			/* translators: 1: booked, 2: failed, 3: skipped */
			$summary = sprintf( __( '%1$d booked, %2$d failed, %3$d skipped', 'shopbooks' ), self::total( $j['booked'] ?? 0 ), self::total( $j['failed'] ?? 0 ), self::total( $j['skipped'] ?? 0 ) );
			$changed = isset( $j['changed'] ) && is_array( $j['changed'] ) ? $j['changed'] : array();
			if ( $changed ) {
				$commands = implode( '; ', array_map( static fn( $c ) => (string) ( $c['rebook'] ?? '' ), $changed ) );
				/* translators: 1: number of orders, 2: the re-book commands */
				$summary .= ' ' . sprintf( __( '%1$d order(s) changed after booking; re-book with: %2$s', 'shopbooks' ), count( $changed ), $commands );
			}
		}
		update_option(
			self::RESULT_OPTION,
			array(
				'at'         => gmdate( 'c' ),
				'command'    => $command,
				'exitCode'   => $result['exitCode'],
				'ok'         => $result['ok'],
				'summary'    => $summary,
				'error'      => null === $result['error'] ? null : Secrets::redact( (string) $result['error'] ),
				'durationMs' => $result['durationMs'] ?? 0,
			),
			false
		);
	}
}
