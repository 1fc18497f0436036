<?php
/**
 * POST /actions/sync, /actions/retry, /actions/backfill: they only schedule; WP-Cron runs them.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Scheduler;
use Shopbooks\Store_Db;

defined( 'ABSPATH' ) || exit;

/**
 * Sync now, Retry, Backfill.
 */
final class Actions_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route( '/actions/sync', \WP_REST_Server::CREATABLE, array( $this, 'sync' ) );
		$this->route( '/actions/retry', \WP_REST_Server::CREATABLE, array( $this, 'retry' ) );
		$this->route( '/actions/backfill', \WP_REST_Server::CREATABLE, array( $this, 'backfill' ) );
	}

	/**
	 * Schedule a run now and nudge WP-Cron (non-blocking loopback).
	 *
	 * @return array
	 */
	public function sync(): array {
		$at = Scheduler::schedule_now();
		if ( function_exists( 'spawn_cron' ) && ! ( defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON ) ) {
			spawn_cron();
		}
		return array(
			'scheduled' => true,
			'at'        => gmdate( 'c', $at ),
		);
	}

	/**
	 * Make a failed entry due now (also one that waits for a configuration change) and schedule a run.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function retry( \WP_REST_Request $request ) {
		$key = $this->body( $request )['key'] ?? null;
		if ( ! is_string( $key ) || '' === $key ) {
			return $this->invalid( 'key', __( 'Which entry should be retried?', 'shopbooks' ) );
		}
		$entry = Store_Db::get_entry( $key );
		if ( null === $entry || 'new' === $entry['status'] ) {
			return new \WP_Error( 'shopbooks_entry_not_found', __( 'There is no such entry in the log.', 'shopbooks' ), array( 'status' => 404 ) );
		}
		if ( 'failed' !== $entry['status'] ) {
			return new \WP_Error( 'shopbooks_not_failed', __( 'Only failed orders can be retried.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		// due now; a permanent failure's configuration fingerprint is dropped so the engine tries it again
		$entry = Store_Db::update_entry( $key, array( 'nextRetryAt' => null, 'failedConfig' => null ) );
		$sync  = $this->sync();
		return array(
			'scheduled' => true,
			'at'        => $sync['at'],
			'entry'     => Ledger_Controller::view( $entry ),
		);
	}

	/**
	 * Schedule a backfill.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function backfill( \WP_REST_Request $request ) {
		$since = $this->body( $request )['since'] ?? null;
		$d     = is_string( $since ) ? \DateTime::createFromFormat( '!Y-m-d', $since ) : false;
		if ( ! $d || $d->format( 'Y-m-d' ) !== $since ) {
			return $this->invalid( 'since', __( 'Use a date like 2024-01-31.', 'shopbooks' ) );
		}
		$at = Scheduler::schedule_backfill( $since );
		if ( function_exists( 'spawn_cron' ) && ! ( defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON ) ) {
			spawn_cron();
		}
		return array(
			'scheduled' => true,
			'at'        => gmdate( 'c', $at ),
		);
	}
}
