<?php
/**
 * /store/*: the Store port over REST for the bundled sync core (plugin mode). Application-password
 * requests only; same capability check as every route.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Store_Db;

defined( 'ABSPATH' ) || exit;

/**
 * Ledger, cursors, mappings, tokens (compare-and-swap), locks, runs.
 */
final class Store_Controller extends Base_Controller {
	private const STATUSES = array( 'claimed', 'booked', 'failed', 'skipped' );

	/**
	 * Only the sync core: the dedicated sync user with the plugin's own application password (its
	 * UUID), never a browser session and never another user's (or another) application password.
	 *
	 * @return true|\WP_Error|bool
	 */
	public function can_use_store() {
		if ( ! is_user_logged_in() ) {
			return false;
		}
		$uuid = function_exists( 'rest_get_authenticated_app_password' ) ? rest_get_authenticated_app_password() : null;
		if ( null === $uuid ) {
			return new \WP_Error( 'shopbooks_store_app_password_only', __( 'The store routes are for the Shopbooks sync core and need an application password.', 'shopbooks' ), array( 'status' => 403 ) );
		}
		return \Shopbooks\Connections::is_sync_credential( get_current_user_id(), (string) $uuid );
	}

	/**
	 * Register a store route.
	 *
	 * @param string   $path     Path.
	 * @param string   $methods  Methods.
	 * @param callable $callback Callback.
	 */
	private function store_route( string $path, string $methods, callable $callback ): void {
		$this->route( '/store/' . $path, $methods, $callback, array(), array( $this, 'can_use_store' ) );
	}

	/**
	 * Routes.
	 */
	public function register_routes(): void {
		$this->store_route( 'entry', \WP_REST_Server::READABLE, array( $this, 'get_entry' ) );
		$this->store_route( 'claim', \WP_REST_Server::CREATABLE, array( $this, 'claim' ) );
		$this->store_route( 'claim/renew', \WP_REST_Server::CREATABLE, array( $this, 'renew_claim' ) );
		$this->store_route( 'update', \WP_REST_Server::CREATABLE, array( $this, 'update' ) );
		$this->store_route( 'entries', \WP_REST_Server::READABLE, array( $this, 'entries' ) );
		register_rest_route(
			self::NS,
			'/store/cursor',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_cursor' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'set_cursor' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/store/mapping',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_mapping' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'set_mapping' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
			)
		);
		register_rest_route(
			self::NS,
			'/store/token',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_token' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'cas_token' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
			)
		);
		$this->store_route( 'lock', \WP_REST_Server::CREATABLE, array( $this, 'lock' ) );
		$this->store_route( 'unlock', \WP_REST_Server::CREATABLE, array( $this, 'unlock' ) );
		register_rest_route(
			self::NS,
			'/store/runs',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'list_runs' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'start_run' ),
					'permission_callback' => array( $this, 'can_use_store' ),
				),
			)
		);
		$this->store_route( 'runs/finish', \WP_REST_Server::CREATABLE, array( $this, 'finish_run' ) );
	}

	/**
	 * A required non-empty string (query or body).
	 *
	 * @param mixed  $v     Value.
	 * @param string $field Field name.
	 * @return string|\WP_Error
	 */
	private function str( $v, string $field ) {
		if ( ! is_string( $v ) || '' === $v || strlen( $v ) > 191 ) {
			/* translators: %s: field */
			return $this->invalid( $field, sprintf( __( '%s must be a non-empty string of at most 191 characters.', 'shopbooks' ), $field ) );
		}
		return $v;
	}

	/**
	 * Nulls become JSON null, objects stay objects.
	 *
	 * @param array|null $entry Entry.
	 * @return array|null
	 */
	private static function out( ?array $entry ): ?array {
		if ( null === $entry ) {
			return null;
		}
		if ( is_array( $entry['lastError'] ?? null ) ) {
			$entry['lastError'] = (object) $entry['lastError'];
		}
		return $entry;
	}

	/**
	 * GET /store/entry?key=.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function get_entry( \WP_REST_Request $r ) {
		$key = $this->str( $r->get_param( 'key' ), 'key' );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$e = Store_Db::get_entry( $key );
		return array( 'entry' => ( null === $e || 'new' === $e['status'] ) ? null : self::out( $e ) );
	}

	/**
	 * POST /store/claim.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function claim( \WP_REST_Request $r ) {
		$b   = $this->body( $r );
		$key = $this->str( $b['key'] ?? null, 'key' );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$run = $this->str( $b['runId'] ?? null, 'runId' );
		if ( is_wp_error( $run ) ) {
			return $run;
		}
		$init = $b['init'] ?? null;
		if ( ! is_array( $init ) || ! in_array( $init['kind'] ?? null, array( 'order', 'refund', 'cancellation', 'payment', 'attachment' ), true ) || ! isset( $init['shopId'], $init['orderId'], $init['orderNumber'], $init['reference'] ) ) {
			return $this->invalid( 'init', __( 'init needs kind, shopId, orderId, orderNumber and reference.', 'shopbooks' ) );
		}
		$lease = $b['leaseMs'] ?? null;
		if ( ! is_int( $lease ) || $lease < 1 || $lease > 86400000 ) {
			return $this->invalid( 'leaseMs', __( 'leaseMs must be a positive integer.', 'shopbooks' ) );
		}
		$res          = Store_Db::claim( $key, $init, $run, $lease );
		$res['entry'] = self::out( $res['entry'] );
		return $res;
	}

	/**
	 * POST /store/update.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function update( \WP_REST_Request $r ) {
		$b   = $this->body( $r );
		$key = $this->str( $b['key'] ?? null, 'key' );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$patch = $b['patch'] ?? null;
		if ( ! is_array( $patch ) ) {
			return $this->invalid( 'patch', __( 'patch must be an object.', 'shopbooks' ) );
		}
		if ( isset( $patch['status'] ) && ! in_array( $patch['status'], self::STATUSES, true ) ) {
			return $this->invalid( 'patch.status', __( 'Unknown status.', 'shopbooks' ) );
		}
		$holder = null;
		if ( array_key_exists( 'holder', $b ) ) {
			$holder = $this->str( $b['holder'], 'holder' );
			if ( is_wp_error( $holder ) ) {
				return $holder;
			}
		}
		$res = Store_Db::update_entry_as( $key, $patch, $holder );
		if ( 'missing' === $res['result'] ) {
			return new \WP_Error( 'shopbooks_entry_not_found', __( 'There is no such entry in the log.', 'shopbooks' ), array( 'status' => 404 ) );
		}
		if ( 'claim_lost' === $res['result'] ) {
			return new \WP_Error( 'shopbooks_claim_lost', __( 'This sync run no longer holds this entry (another run took it over); nothing was changed.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		return array( 'entry' => self::out( $res['entry'] ) );
	}

	/**
	 * POST /store/claim/renew: the heartbeat of a claim.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function renew_claim( \WP_REST_Request $r ) {
		$b   = $this->body( $r );
		$key = $this->str( $b['key'] ?? null, 'key' );
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		$run = $this->str( $b['runId'] ?? null, 'runId' );
		if ( is_wp_error( $run ) ) {
			return $run;
		}
		$lease = $b['leaseMs'] ?? null;
		if ( ! is_int( $lease ) || $lease < 1 || $lease > 86400000 ) {
			return $this->invalid( 'leaseMs', __( 'leaseMs must be a positive integer.', 'shopbooks' ) );
		}
		return array( 'renewed' => Store_Db::renew_claim( $key, $run, $lease ) );
	}

	/**
	 * GET /store/entries.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function entries( \WP_REST_Request $r ) {
		$status = $r->get_param( 'status' );
		if ( null !== $status && '' !== $status && ! in_array( $status, self::STATUSES, true ) ) {
			return $this->invalid( 'status', __( 'Unknown status.', 'shopbooks' ) );
		}
		$list = Store_Db::list_entries(
			array(
				'status'    => (string) $status,
				'shopId'    => (string) $r->get_param( 'shopId' ),
				'dueBefore' => (string) $r->get_param( 'dueBefore' ),
			)
		);
		return array( 'entries' => array_map( array( self::class, 'out' ), $list ) );
	}

	/**
	 * GET /store/cursor.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function get_cursor( \WP_REST_Request $r ) {
		$name = $this->str( $r->get_param( 'name' ), 'name' );
		return is_wp_error( $name ) ? $name : array( 'value' => Store_Db::kv_get( 'cursor', $name ) );
	}

	/**
	 * POST /store/cursor.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function set_cursor( \WP_REST_Request $r ) {
		$b    = $this->body( $r );
		$name = $this->str( $b['name'] ?? null, 'name' );
		if ( is_wp_error( $name ) ) {
			return $name;
		}
		if ( ! is_string( $b['value'] ?? null ) ) {
			return $this->invalid( 'value', __( 'value must be a string.', 'shopbooks' ) );
		}
		Store_Db::kv_set( 'cursor', $name, $b['value'] );
		return array( 'ok' => true );
	}

	/**
	 * GET /store/mapping.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function get_mapping( \WP_REST_Request $r ) {
		$ns  = $this->str( $r->get_param( 'namespace' ), 'namespace' );
		$key = $this->str( $r->get_param( 'key' ), 'key' );
		if ( is_wp_error( $ns ) ) {
			return $ns;
		}
		return is_wp_error( $key ) ? $key : array( 'value' => Store_Db::kv_get( 'map:' . $ns, $key ) );
	}

	/**
	 * POST /store/mapping.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function set_mapping( \WP_REST_Request $r ) {
		$b   = $this->body( $r );
		$ns  = $this->str( $b['namespace'] ?? null, 'namespace' );
		$key = $this->str( $b['key'] ?? null, 'key' );
		if ( is_wp_error( $ns ) ) {
			return $ns;
		}
		if ( is_wp_error( $key ) ) {
			return $key;
		}
		if ( ! is_string( $b['value'] ?? null ) ) {
			return $this->invalid( 'value', __( 'value must be a string.', 'shopbooks' ) );
		}
		Store_Db::kv_set( 'map:' . $ns, $key, $b['value'] );
		return array( 'ok' => true );
	}

	/**
	 * GET /store/token.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function get_token( \WP_REST_Request $r ) {
		$name = $this->str( $r->get_param( 'name' ), 'name' );
		return is_wp_error( $name ) ? $name : array( 'token' => Store_Db::get_token( $name ) );
	}

	/**
	 * POST /store/token: compare-and-swap.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function cas_token( \WP_REST_Request $r ) {
		$b    = $this->body( $r );
		$name = $this->str( $b['name'] ?? null, 'name' );
		if ( is_wp_error( $name ) ) {
			return $name;
		}
		if ( ! array_key_exists( 'expectedVersion', $b ) || ( null !== $b['expectedVersion'] && ! is_int( $b['expectedVersion'] ) ) ) {
			return $this->invalid( 'expectedVersion', __( 'expectedVersion must be an integer or null.', 'shopbooks' ) );
		}
		if ( ! is_array( $b['value'] ?? null ) ) {
			return $this->invalid( 'value', __( 'value must be an object.', 'shopbooks' ) );
		}
		$v = Store_Db::cas_token( $name, $b['expectedVersion'], $b['value'] );
		return array(
			'swapped' => null !== $v,
			'version' => $v,
		);
	}

	/**
	 * POST /store/lock.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function lock( \WP_REST_Request $r ) {
		$b     = $this->body( $r );
		$name  = $this->str( $b['name'] ?? null, 'name' );
		$owner = $this->str( $b['owner'] ?? null, 'owner' );
		if ( is_wp_error( $name ) ) {
			return $name;
		}
		if ( is_wp_error( $owner ) ) {
			return $owner;
		}
		$ttl = $b['ttlMs'] ?? null;
		if ( ! is_int( $ttl ) || $ttl < 1 || $ttl > 3600000 ) {
			return $this->invalid( 'ttlMs', __( 'ttlMs must be between 1 and 3600000.', 'shopbooks' ) );
		}
		return Store_Db::lock( $name, $owner, $ttl );
	}

	/**
	 * POST /store/unlock.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function unlock( \WP_REST_Request $r ) {
		$b     = $this->body( $r );
		$name  = $this->str( $b['name'] ?? null, 'name' );
		$owner = $this->str( $b['owner'] ?? null, 'owner' );
		if ( is_wp_error( $name ) ) {
			return $name;
		}
		return is_wp_error( $owner ) ? $owner : array( 'released' => Store_Db::unlock( $name, $owner ) );
	}

	/**
	 * POST /store/runs.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function start_run( \WP_REST_Request $r ) {
		$cmd = $this->str( $this->body( $r )['command'] ?? null, 'command' );
		return is_wp_error( $cmd ) ? $cmd : Store_Db::start_run( substr( $cmd, 0, 64 ) );
	}

	/**
	 * POST /store/runs/finish.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array|\WP_Error
	 */
	public function finish_run( \WP_REST_Request $r ) {
		$b  = $this->body( $r );
		$id = $this->str( $b['id'] ?? null, 'id' );
		if ( is_wp_error( $id ) ) {
			return $id;
		}
		if ( ! Store_Db::finish_run( $b ) ) {
			return new \WP_Error( 'shopbooks_run_not_found', __( 'There is no such run.', 'shopbooks' ), array( 'status' => 404 ) );
		}
		return array( 'ok' => true );
	}

	/**
	 * GET /store/runs.
	 *
	 * @param \WP_REST_Request $r Request.
	 * @return array
	 */
	public function list_runs( \WP_REST_Request $r ): array {
		$limit = (int) ( $r->get_param( 'limit' ) ?? 20 );
		return array( 'runs' => Store_Db::list_runs( max( 1, min( 200, $limit ) ) ) );
	}
}
