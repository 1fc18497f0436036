<?php
/**
 * Shared parts of the shopbooks/v1 controllers: the namespace and the capability check.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

defined( 'ABSPATH' ) || exit;

/**
 * Base controller. Every route requires `manage_woocommerce`; WordPress core requires the REST
 * nonce for cookie-authenticated requests (without it the request is anonymous and gets 401).
 */
abstract class Base_Controller {
	public const NS = 'shopbooks/v1';

	/**
	 * Register the routes of this area.
	 */
	abstract public function register_routes(): void;

	/**
	 * The capability check used by every route.
	 *
	 * @return bool
	 */
	public function can_manage(): bool {
		return current_user_can( 'manage_woocommerce' );
	}

	/**
	 * Register one route.
	 *
	 * @param string   $path     Path.
	 * @param string   $methods  Methods.
	 * @param callable $callback Callback.
	 * @param array    $args     Args schema.
	 * @param callable $permission Permission callback (default can_manage).
	 */
	protected function route( string $path, string $methods, callable $callback, array $args = array(), ?callable $permission = null ): void {
		register_rest_route(
			self::NS,
			$path,
			array(
				'methods'             => $methods,
				'callback'            => $callback,
				'permission_callback' => $permission ?? array( $this, 'can_manage' ),
				'args'                => $args,
			)
		);
	}

	/**
	 * The JSON body as an array (empty array when none).
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array
	 */
	protected function body( \WP_REST_Request $request ): array {
		$b = $request->get_json_params();
		return is_array( $b ) ? $b : array();
	}

	/**
	 * A 400 for a missing/bad field.
	 *
	 * @param string $field   Field.
	 * @param string $message Message.
	 * @return \WP_Error
	 */
	protected function invalid( string $field, string $message ): \WP_Error {
		return new \WP_Error(
			'rest_invalid_param',
			$message,
			array(
				'status' => 400,
				'params' => array( $field => $message ),
			)
		);
	}
}
