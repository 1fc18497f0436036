<?php
/**
 * `wp shopbooks sync|backfill|status` — thin over the same runner as WP-Cron.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Book WooCommerce orders into Exact Online / Moneybird.
 */
class Cli_Command {
	/**
	 * Run a sync now.
	 *
	 * ## EXAMPLES
	 *
	 *     wp shopbooks sync
	 *
	 * @param array $args       Positional.
	 * @param array $assoc_args Named.
	 */
	public function sync( $args, $assoc_args ): void {
		$this->report( Scheduler::run( 'sync', array() ) );
	}

	/**
	 * Import the order history from a date.
	 *
	 * ## OPTIONS
	 *
	 * --since=<date>
	 * : First order date to import (YYYY-MM-DD).
	 *
	 * @param array $args       Positional.
	 * @param array $assoc_args Named.
	 */
	public function backfill( $args, $assoc_args ): void {
		$since = (string) ( $assoc_args['since'] ?? '' );
		if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}$/', $since ) ) {
			\WP_CLI::error( 'Give --since=YYYY-MM-DD.' );
			return;
		}
		$this->report( Scheduler::run( 'backfill', array( '--since', $since ) ) );
	}

	/**
	 * Show the connection, schedule and ledger status.
	 *
	 * ## OPTIONS
	 *
	 * [--format=<format>]
	 * : table or json.
	 *
	 * @param array $args       Positional.
	 * @param array $assoc_args Named.
	 */
	public function status( $args, $assoc_args ): void {
		$cron   = Scheduler::status();
		$counts = Store_Db::page_entries( '', '', 1, 1 )['counts'];
		$conn   = Connections::view();
		$data   = array(
			'target'       => Settings::get()['target'],
			'exact'        => $conn['exact']['connected'] ? 'connected' : 'not connected',
			'moneybird'    => $conn['moneybird']['connected'] ? 'connected' : 'not connected',
			'next_run'     => $cron['nextRunAt'] ?? '-',
			'past_due'     => $cron['pastDue'] ? 'yes' : 'no',
			'booked'       => $counts['booked'],
			'failed'       => $counts['failed'],
			'skipped'      => $counts['skipped'],
			'last_result'  => (string) ( get_option( Runner::RESULT_OPTION )['summary'] ?? '' ),
			'problems'     => implode( ' | ', array_map( static fn( $n ) => $n['code'], Notices::current() ) ),
		);
		if ( 'json' === ( $assoc_args['format'] ?? 'table' ) ) {
			\WP_CLI::line( (string) wp_json_encode( $data ) );
			return;
		}
		foreach ( $data as $k => $v ) {
			\WP_CLI::line( str_pad( $k, 12 ) . ' ' . $v );
		}
	}

	/**
	 * Print a runner result.
	 *
	 * @param array $r Result.
	 */
	private function report( array $r ): void {
		if ( $r['ok'] ) {
			$j = is_array( $r['json'] ) ? $r['json'] : array();
			\WP_CLI::success( sprintf( '%d booked, %d failed, %d skipped', Runner::total( $j['booked'] ?? 0 ), Runner::total( $j['failed'] ?? 0 ), Runner::total( $j['skipped'] ?? 0 ) ) );
			return;
		}
		\WP_CLI::error( (string) ( $r['error'] ?? 'The sync failed.' ) );
	}
}
