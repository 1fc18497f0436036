<?php
/**
 * GET /ledger, GET /runs.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Runner;
use Shopbooks\Scheduler;
use Shopbooks\Store_Db;

defined( 'ABSPATH' ) || exit;

/**
 * The log of what happened to every order.
 */
final class Ledger_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route(
			'/ledger',
			\WP_REST_Server::READABLE,
			array( $this, 'ledger' ),
			array(
				'status'  => array(
					'type'    => 'string',
					'enum'    => array( '', 'booked', 'failed', 'skipped', 'claimed' ),
					'default' => '',
				),
				'search'  => array(
					'type'    => 'string',
					'default' => '',
				),
				'page'    => array(
					'type'    => 'integer',
					'minimum' => 1,
					'default' => 1,
				),
				'perPage' => array(
					'type'    => 'integer',
					'minimum' => 1,
					'maximum' => 100,
					'default' => 20,
				),
			)
		);
		$this->route( '/runs', \WP_REST_Server::READABLE, array( $this, 'runs' ) );
	}

	/**
	 * An entry as the log shows it (no internal claim fields).
	 *
	 * @param array $e LedgerEntry.
	 * @return array
	 */
	public static function view( array $e ): array {
		$reason = null;
		if ( 'failed' === $e['status'] ) {
			$reason = $e['lastError']['message'] ?? null;
		} elseif ( 'skipped' === $e['status'] ) {
			$reason = $e['skipReason'];
		}
		return array(
			'key'            => $e['key'],
			'kind'           => $e['kind'],
			'orderId'        => $e['orderId'],
			'orderNumber'    => $e['orderNumber'],
			'refundId'       => $e['refundId'],
			'status'         => $e['status'],
			'documentType'   => $e['documentType'],
			'documentNumber' => $e['documentNumber'],
			'documentUrl'    => $e['documentUrl'],
			'reference'      => $e['reference'],
			'reason'         => $reason,
			'errorCode'      => $e['lastError']['code'] ?? null,
			'attempts'       => (int) $e['attempts'],
			'nextRetryAt'    => $e['nextRetryAt'],
			'gross'          => $e['gross'],
			'vat'            => $e['vat'],
			'orderEditUrl'   => class_exists( 'WooCommerce' ) && ctype_digit( (string) $e['orderId'] ) ? admin_url( 'post.php?post=' . (int) $e['orderId'] . '&action=edit' ) : null,
			'updatedAt'      => $e['updatedAt'],
		);
	}

	/**
	 * GET /ledger.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array
	 */
	public function ledger( \WP_REST_Request $request ): array {
		$page = (int) $request['page'];
		$per  = (int) $request['perPage'];
		$r    = Store_Db::page_entries( (string) $request['status'], (string) $request['search'], $page, $per );
		return array(
			'total'      => $r['total'],
			'page'       => $page,
			'perPage'    => $per,
			'totalPages' => (int) ceil( $r['total'] / $per ),
			'counts'     => $r['counts'],
			'entries'    => array_map( array( self::class, 'view' ), $r['entries'] ),
		);
	}

	/**
	 * GET /runs.
	 *
	 * @return array
	 */
	public function runs(): array {
		$runs = Store_Db::list_runs( 20 );
		$cron = Scheduler::status();
		$last = get_option( Runner::RESULT_OPTION, null );
		return array(
			'lastRun'         => $runs[0] ?? null,
			'nextRunAt'       => $cron['nextRunAt'],
			'intervalMinutes' => $cron['intervalMinutes'],
			'pastDue'         => $cron['pastDue'],
			'running'         => ! Store_Db::lock( 'plugin-runner', 'probe-' . wp_generate_uuid4(), 1 )['acquired'],
			'pendingSyncAt'   => wp_next_scheduled( Scheduler::HOOK_NOW ) ? gmdate( 'c', (int) wp_next_scheduled( Scheduler::HOOK_NOW ) ) : null,
			'runs'            => $runs,
			'lastResult'      => is_array( $last ) ? $last : null,
		);
	}
}
