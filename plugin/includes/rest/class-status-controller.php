<?php
/**
 * GET /status, POST /status/node.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Connections;
use Shopbooks\Node_Locator;
use Shopbooks\Notices;
use Shopbooks\Runner;
use Shopbooks\Scheduler;

defined( 'ABSPATH' ) || exit;

/**
 * Environment status.
 */
final class Status_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route( '/status', \WP_REST_Server::READABLE, array( $this, 'get' ) );
		// No `args` schema: WordPress validates args before the permission check, which would let
		// anonymous requests learn about parameters. Input is checked in the callback.
		$this->route( '/status/node', \WP_REST_Server::CREATABLE, array( $this, 'set_node' ) );
	}

	/**
	 * Status.
	 *
	 * @return array
	 */
	public function get(): array {
		$wc = Connections::woocommerce_view();
		return array(
			'woocommerceActive' => class_exists( 'WooCommerce' ),
			'node'              => Node_Locator::locate(),
			'syncCore'          => array(
				'present' => is_readable( Runner::script() ),
				'path'    => Runner::script(),
			),
			'cron'              => Scheduler::status(),
			'syncUser'          => array(
				'exists'                 => null !== $wc['user'],
				'login'                  => $wc['user'],
				'applicationPasswordSet' => $wc['applicationPasswordSet'],
			),
			'notices'           => Notices::current(),
		);
	}

	/**
	 * Set or clear the Node path.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function set_node( \WP_REST_Request $request ) {
		$path = $this->body( $request )['nodePath'] ?? null;
		if ( ! is_string( $path ) ) {
			return $this->invalid( 'nodePath', __( 'Give the full path of the node program, or "" to search the PATH.', 'shopbooks' ) );
		}
		$path = trim( $path );
		if ( '' !== $path ) {
			$probe = Node_Locator::probe( $path );
			if ( ! $probe['found'] ) {
				return new \WP_Error( 'shopbooks_node_invalid', (string) $probe['problem'], array( 'status' => 400 ) );
			}
		}
		update_option( Node_Locator::OPTION, $path, false );
		Node_Locator::flush();
		return Node_Locator::locate();
	}
}
