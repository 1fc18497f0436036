<?php
/**
 * GET/POST /settings.
 *
 * @package Shopbooks
 */

namespace Shopbooks\Rest;

use Shopbooks\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Settings and rules.
 */
final class Settings_Controller extends Base_Controller {
	/**
	 * Routes.
	 */
	public function register_routes(): void {
		register_rest_route(
			self::NS,
			'/settings',
			array(
				array(
					'methods'             => \WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
				array(
					'methods'             => \WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'save' ),
					'permission_callback' => array( $this, 'can_manage' ),
				),
			)
		);
	}

	/**
	 * Current settings.
	 *
	 * @return array
	 */
	public function get(): array {
		return Settings::get();
	}

	/**
	 * Validate and save.
	 *
	 * @param \WP_REST_Request $request Request.
	 * @return array|\WP_Error
	 */
	public function save( \WP_REST_Request $request ) {
		$next = Settings::validate_update( $this->body( $request ) );
		if ( is_wp_error( $next ) ) {
			return $next;
		}
		return Settings::save( $next );
	}
}
