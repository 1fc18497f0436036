<?php
/**
 * GET /ledger, GET /runs.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Runner;
use Shopbooks\Scheduler;
use Shopbooks\Setup;
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
		// Query parameters are checked in the callback (WordPress validates `args` before the
		// permission check, which would answer anonymous requests with 400 instead of 401).
		$this->route( '/ledger', \WP_REST_Server::READABLE, array( $this, 'ledger' ) );
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
			'shopId'         => $e['shopId'],
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
			'orderEditUrl'   => self::order_edit_url( (string) $e['orderId'] ),
			'updatedAt'      => $e['updatedAt'],
		);
	}

	/**
	 * GET /ledger.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function ledger( \WP_REST_Request $request ) {
		$status = (string) ( $request->get_param( 'status' ) ?? '' );
		if ( ! in_array( $status, array( '', 'booked', 'failed', 'skipped', 'claimed' ), true ) ) {
			return $this->invalid( 'status', __( 'Filter on booked, failed, skipped or claimed.', 'shopbooks' ) );
		}
		$page = $request->get_param( 'page' ) ?? 1;
		$per  = $request->get_param( 'perPage' ) ?? 20;
		if ( ! is_numeric( $page ) || (int) $page < 1 || ! is_numeric( $per ) || (int) $per < 1 || (int) $per > 100 ) {
			return $this->invalid( 'page', __( 'page must be 1 or more, perPage between 1 and 100.', 'shopbooks' ) );
		}
		$page = (int) $page;
		$per  = (int) $per;
		// The log of the current accounting system only (another system's ledger stays with it).
		$hide = \Shopbooks\Connection_Scope::other_shop_ids( \Shopbooks\Sync_Config::shop_base(), \Shopbooks\Settings::get()['target'] );
		$r    = Store_Db::page_entries( $status, sanitize_text_field( (string) ( $request->get_param( 'search' ) ?? '' ) ), $page, $per, $hide );
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
	 * The order's edit screen as WooCommerce has it: admin.php?page=wc-orders&action=edit&id=N with HPOS
	 * (custom order tables), post.php?post=N&action=edit with posts storage.
	 *
	 * @param string $order_id Order id.
	 * @return string|null
	 */
	public static function order_edit_url( string $order_id ): ?string {
		if ( ! class_exists( 'WooCommerce' ) || ! ctype_digit( $order_id ) ) {
			return null;
		}
		$util = '\\Automattic\\WooCommerce\\Utilities\\OrderUtil';
		if ( class_exists( $util ) && method_exists( $util, 'get_order_admin_edit_url' ) ) {
			return (string) $util::get_order_admin_edit_url( (int) $order_id );
		}
		return admin_url( 'post.php?post=' . (int) $order_id . '&action=edit' );
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
			'setupMissing'    => Setup::missing(),
		);
	}
}
