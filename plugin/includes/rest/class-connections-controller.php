<?php
/**
 * /connections: Exact Online, Moneybird, and the WooCommerce access of the sync core.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Connections;
use Shopbooks\Oauth_State;

defined( 'ABSPATH' ) || exit;

/**
 * Connect flows.
 */
final class Connections_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->route( '/connections', \WP_REST_Server::READABLE, array( Connections::class, 'view' ) );

		register_rest_route(
			self::NS,
			'/connections/exact',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'exact_start' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => static fn() => Connections::exact_remove(),
					'permission_callback' => array( $this, 'can_manage' ),
				),
			)
		);
		$this->route( '/connections/exact/callback', \WP_REST_Server::READABLE, array( $this, 'exact_callback' ), array(), array( $this, 'exact_state_ok' ) );
		$this->route( '/connections/exact/divisions', \WP_REST_Server::READABLE, array( $this, 'exact_divisions' ) );
		$this->route( '/connections/exact/division', \WP_REST_Server::CREATABLE, array( $this, 'exact_division' ) );

		register_rest_route(
			self::NS,
			'/connections/moneybird',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'moneybird_start' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => static fn() => Connections::moneybird_remove(),
					'permission_callback' => array( $this, 'can_manage' ),
				),
			)
		);
		$this->route( '/connections/moneybird/callback', \WP_REST_Server::READABLE, array( $this, 'moneybird_callback' ), array(), array( $this, 'moneybird_state_ok' ) );
		$this->route( '/connections/moneybird/administrations', \WP_REST_Server::READABLE, array( $this, 'moneybird_administrations' ) );
		$this->route( '/connections/moneybird/administration', \WP_REST_Server::CREATABLE, array( $this, 'moneybird_administration' ) );

		register_rest_route(
			self::NS,
			'/connections/woocommerce',
			array(
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => static fn() => Connections::woocommerce_connect(),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => \WP_REST_Server::DELETABLE,
					'callback'            => static fn() => Connections::woocommerce_disconnect(),
					'permission_callback' => array( $this, 'can_manage' ),
				),
			)
		);
	}

	/**
	 * The OAuth callback's permission: a live `state` for this system, issued to the user who comes
	 * back (cookie or application password), who must still have manage_woocommerce. The browser
	 * returns by redirect without a REST nonce, so the one-time state takes the nonce's place.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @param string           $system  exact|moneybird.
	 * @return true|\WP_Error
	 */
	private function state_ok( \WP_REST_Request $request, string $system ) {
		$owner = Oauth_State::peek( $request->get_param( 'state' ), $system );
		$user  = Oauth_State::request_user();
		if ( null === $owner || 0 === $user || $owner !== $user || ! user_can( $user, 'manage_woocommerce' ) ) {
			return new \WP_Error( 'shopbooks_oauth_state_invalid', __( 'This authorization link is not valid (it expired, was used already, or was started by someone else). Start connecting again from the Shopbooks settings.', 'shopbooks' ), array( 'status' => 403 ) );
		}
		wp_set_current_user( $user );
		return true;
	}

	/**
	 * Exact callback permission.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return true|\WP_Error
	 */
	public function exact_state_ok( \WP_REST_Request $request ) {
		return $this->state_ok( $request, 'exact' );
	}

	/**
	 * Moneybird callback permission.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return true|\WP_Error
	 */
	public function moneybird_state_ok( \WP_REST_Request $request ) {
		return $this->state_ok( $request, 'moneybird' );
	}

	/**
	 * POST /connections/exact.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function exact_start( \WP_REST_Request $request ) {
		$b = $this->body( $request );
		if ( ! isset( $b['country'], $b['clientId'] ) || ! is_string( $b['country'] ) || ! is_string( $b['clientId'] ) ) {
			return $this->invalid( 'clientId', __( 'Choose a country and enter the client ID of your Exact app.', 'shopbooks' ) );
		}
		$secret = isset( $b['clientSecret'] ) && is_string( $b['clientSecret'] ) && '' !== $b['clientSecret'] ? $b['clientSecret'] : null;
		return Connections::exact_start( strtoupper( $b['country'] ), $b['clientId'], $secret );
	}

	/**
	 * Finish an OAuth flow and send the browser back to the settings page.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @param string           $system  exact|moneybird.
	 * @param callable         $finish  Exchange callback.
	 * @return \WP_REST_Response
	 */
	private function finish( \WP_REST_Request $request, string $system, callable $finish ): \WP_REST_Response {
		Oauth_State::consume( (string) $request->get_param( 'state' ) );
		$code = $request->get_param( 'code' );
		if ( $request->get_param( 'error' ) || ! is_string( $code ) || '' === $code ) {
			$ok  = false;
			$msg = 'access_denied' === $request->get_param( 'error' ) ? __( 'The authorization was cancelled.', 'shopbooks' ) : __( 'The authorization did not return a code.', 'shopbooks' );
		} else {
			$r   = $finish( $code );
			$ok  = true === $r;
			$msg = $ok ? __( 'Connected.', 'shopbooks' ) : $r->get_error_message();
		}
		set_transient( 'shopbooks_oauth_msg_' . get_current_user_id(), $msg, 300 );
		$res = new \WP_REST_Response( array( 'ok' => $ok, 'message' => $msg ), 302 );
		$res->header( 'Location', Connections::settings_url( array( 'shopbooks_oauth' => $system . ( $ok ? '-ok' : '-error' ) ) ) );
		return $res;
	}

	/**
	 * GET /connections/exact/callback.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function exact_callback( \WP_REST_Request $request ) {
		return $this->finish( $request, 'exact', array( Connections::class, 'exact_finish' ) );
	}

	/**
	 * GET /connections/exact/divisions.
	 *
	 * @return array|\WP_Error
	 */
	public function exact_divisions() {
		$list = Connections::exact_divisions();
		return is_wp_error( $list ) ? $list : array( 'divisions' => $list );
	}

	/**
	 * POST /connections/exact/division.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function exact_division( \WP_REST_Request $request ) {
		$d = $this->body( $request )['division'] ?? null;
		if ( ! is_int( $d ) && ! ( is_string( $d ) && ctype_digit( $d ) ) ) {
			return $this->invalid( 'division', __( 'Choose an administration.', 'shopbooks' ) );
		}
		return Connections::exact_choose_division( (int) $d );
	}

	/**
	 * POST /connections/moneybird: a token, or OAuth client credentials.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function moneybird_start( \WP_REST_Request $request ) {
		$b = $this->body( $request );
		if ( isset( $b['token'] ) && is_string( $b['token'] ) ) {
			return Connections::moneybird_token( $b['token'] );
		}
		if ( isset( $b['clientId'], $b['clientSecret'] ) && is_string( $b['clientId'] ) && is_string( $b['clientSecret'] ) ) {
			return Connections::moneybird_start( $b['clientId'], $b['clientSecret'] );
		}
		return $this->invalid( 'token', __( 'Enter a Moneybird API token, or the client ID and secret of your Moneybird application.', 'shopbooks' ) );
	}

	/**
	 * GET /connections/moneybird/callback.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return \WP_REST_Response
	 */
	public function moneybird_callback( \WP_REST_Request $request ) {
		return $this->finish( $request, 'moneybird', array( Connections::class, 'moneybird_finish' ) );
	}

	/**
	 * GET /connections/moneybird/administrations.
	 *
	 * @return array|\WP_Error
	 */
	public function moneybird_administrations() {
		$list = Connections::moneybird_administrations();
		return is_wp_error( $list ) ? $list : array( 'administrations' => $list );
	}

	/**
	 * POST /connections/moneybird/administration.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function moneybird_administration( \WP_REST_Request $request ) {
		$id = $this->body( $request )['administrationId'] ?? null;
		if ( ! ( is_string( $id ) && ctype_digit( $id ) ) && ! is_int( $id ) ) {
			return $this->invalid( 'administrationId', __( 'Choose an administration.', 'shopbooks' ) );
		}
		return Connections::moneybird_choose( (string) $id );
	}
}
