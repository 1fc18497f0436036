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
		// Which program the server runs is the site owner's call: manage_options, not manage_woocommerce.
		$this->route( '/status/node', \WP_REST_Server::CREATABLE, array( $this, 'set_node' ), array(), array( $this, 'can_manage_site' ) );
		$this->route( '/identity', \WP_REST_Server::READABLE, array( $this, 'identity' ) );
		$this->route( '/identity/moved', \WP_REST_Server::CREATABLE, array( $this, 'identity_moved' ), array(), array( $this, 'can_manage_site' ) );
		$this->route( '/identity/copy', \WP_REST_Server::CREATABLE, array( $this, 'identity_copy' ), array(), array( $this, 'can_manage_site' ) );
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
	 * manage_options (site administrators).
	 *
	 * @return bool
	 */
	public function can_manage_site(): bool {
		return current_user_can( 'manage_options' );
	}

	/**
	 * GET /identity: shop id, the URL connected on, the current URL, ok|moved.
	 *
	 * @return array
	 */
	public function identity(): array {
		return \Shopbooks\Identity::view();
	}

	/**
	 * POST /identity/moved: the same shop at a new address; carry on.
	 *
	 * @return array
	 */
	public function identity_moved(): array {
		return \Shopbooks\Identity::moved();
	}

	/**
	 * POST /identity/copy: this is a copy; forget the connection here (never the live tokens).
	 *
	 * @return array|\WP_Error
	 */
	public function identity_copy() {
		if ( ! \Shopbooks\Identity::is_moved() ) {
			return new \WP_Error( 'shopbooks_not_a_copy', __( 'This site runs at the address it was connected on, so it is not a copy.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		return \Shopbooks\Identity::copy();
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
