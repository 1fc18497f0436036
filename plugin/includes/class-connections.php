<?php
/**
 * Connections to Exact Online, Moneybird and the WooCommerce access of the sync core.
 * Non-secret facts live in the option `shopbooks_connections`; secrets in Secrets; OAuth tokens in
 * the tokens table (names `exact`, `moneybird`), where the sync core reads and rotates them.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Connect flows (server side).
 */
final class Connections {
	public const OPTION    = 'shopbooks_connections';
	public const SYNC_USER = 'shopbooks-sync';
	public const SYNC_ROLE = 'shopbooks_sync';
	private const APP_NAME = 'Shopbooks sync core';

	/**
	 * Stored non-secret facts.
	 *
	 * @return array
	 */
	private static function meta(): array {
		$m = get_option( self::OPTION, array() );
		$m = is_array( $m ) ? $m : array();
		return $m + array(
			'exact'     => array(),
			'moneybird' => array(),
		);
	}

	/**
	 * Non-secret facts of all systems (for the runner's configuration).
	 *
	 * @return array
	 */
	public static function facts(): array {
		return self::meta();
	}

	/**
	 * Save one system's facts.
	 *
	 * @param string $system exact|moneybird.
	 * @param array  $facts  Facts (replace).
	 */
	private static function put_meta( string $system, array $facts ): void {
		$m            = self::meta();
		$m[ $system ] = $facts;
		update_option( self::OPTION, $m, false );
	}

	/**
	 * The redirect URI to register with the app.
	 *
	 * @param string $system exact|moneybird.
	 * @return string
	 */
	public static function redirect_uri( string $system ): string {
		return rest_url( 'shopbooks/v1/connections/' . $system . '/callback' );
	}

	/**
	 * Settings page URL (where the callbacks return to).
	 *
	 * @param array $args Query args.
	 * @return string
	 */
	public static function settings_url( array $args = array() ): string {
		$base = class_exists( 'WooCommerce' ) ? admin_url( 'admin.php?page=shopbooks' ) : admin_url( 'options-general.php?page=shopbooks' );
		return add_query_arg( $args, $base );
	}

	// ----- token names: the same as the sync core's targets use ----------------------------------

	/**
	 * Exact token name (targets/exact/transport.ts tokenName()).
	 *
	 * @param int|null $division Division, default the chosen (or current) one.
	 * @return string|null
	 */
	public static function exact_token_name( ?int $division = null ): ?string {
		$id = Secrets::get( 'exact_client_id' );
		$m  = self::meta()['exact'];
		$division = $division ?? (int) ( $m['division'] ?? ( $m['currentDivision'] ?? 0 ) );
		return ( null === $id || ! $division ) ? null : 'exact:' . $id . ':' . $division;
	}

	/**
	 * Exact token lock (targets/exact/transport.ts tokenLockName()).
	 *
	 * @param string $name Token name.
	 * @return string
	 */
	private static function exact_lock_name( string $name ): string {
		return 'exact-token:' . substr( $name, strlen( 'exact:' ) );
	}

	/**
	 * Moneybird token name (targets/moneybird/config.ts moneybirdTokenName()); for OAuth only.
	 *
	 * @param string|null $admin Administration id, default the chosen one ("0" before one is chosen).
	 * @return string|null
	 */
	public static function moneybird_token_name( ?string $admin = null ): ?string {
		$id = Secrets::get( 'moneybird_client_id' );
		$m  = self::meta()['moneybird'];
		if ( null === $id || 'oauth' !== ( $m['method'] ?? '' ) ) {
			return null;
		}
		return 'moneybird:' . $id . ':' . ( $admin ?? ( $m['administrationId'] ?? '0' ) );
	}

	/**
	 * The Moneybird access token now in use (API token, or the OAuth access token).
	 *
	 * @return string|null
	 */
	private static function moneybird_access(): ?string {
		$m = self::meta()['moneybird'];
		if ( 'token' === ( $m['method'] ?? '' ) ) {
			return Secrets::get( 'moneybird_token' );
		}
		$name = self::moneybird_token_name();
		$tok  = $name ? Store_Db::get_token( $name ) : null;
		$acc  = $tok ? (string) ( ( (array) $tok['value'] )['accessToken'] ?? '' ) : '';
		return '' === $acc ? null : $acc;
	}

	/**
	 * The Moneybird bearer token for the plugin's own calls (pickers, validation).
	 *
	 * @return string
	 */
	public static function moneybird_request_token(): string {
		return (string) self::moneybird_access();
	}

	/**
	 * Move a token to a new name (after the division/administration is chosen).
	 *
	 * @param string $from Old name.
	 * @param string $to   New name.
	 */
	private static function move_token( string $from, string $to ): void {
		if ( $from === $to ) {
			return;
		}
		$tok = Store_Db::get_token( $from );
		if ( $tok ) {
			Store_Db::put_token( $to, (array) $tok['value'] );
			Store_Db::delete_token( $from );
		}
	}

	// ----- views (never a secret) -----------------------------------------------------------------

	/**
	 * All connections for GET /connections.
	 *
	 * @return array
	 */
	public static function view(): array {
		return array(
			'exact'       => self::exact_view(),
			'moneybird'   => self::moneybird_view(),
			'woocommerce' => self::woocommerce_view(),
		);
	}

	/**
	 * Exact view.
	 *
	 * @return array
	 */
	public static function exact_view(): array {
		$m      = self::meta()['exact'];
		$id     = Secrets::get( 'exact_client_id' );
		$secret = Secrets::get( 'exact_client_secret' );
		$name   = self::exact_token_name();
		$token  = $name ? Store_Db::get_token( $name ) : null;
		$authed = null !== $token && ! empty( ( (array) $token['value'] )['refreshToken'] );
		return array(
			'connected'    => $authed && ! empty( $m['division'] ),
			'authorized'   => $authed,
			'country'      => $m['country'] ?? null,
			'clientIdSet'  => null !== $id,
			'clientIdHint' => Crypto::hint( $id ),
			'secretSet'    => null !== $secret,
			'secretHint'   => Crypto::hint( $secret ),
			'division'     => isset( $m['division'] ) ? (int) $m['division'] : null,
			'divisionName' => $m['divisionName'] ?? null,
			'authorizedBy' => $authed ? ( $m['authorizedBy'] ?? null ) : null,
			'authorizedAt' => $authed ? ( $m['authorizedAt'] ?? null ) : null,
			'redirectUri'  => self::redirect_uri( 'exact' ),
		);
	}

	/**
	 * Moneybird view.
	 *
	 * @return array
	 */
	public static function moneybird_view(): array {
		$m      = self::meta()['moneybird'];
		$access = (string) self::moneybird_access();
		return array(
			'connected'          => '' !== $access && ! empty( $m['administrationId'] ),
			'authorized'         => '' !== $access,
			'method'             => $m['method'] ?? null,
			'tokenSet'           => '' !== $access,
			'secretHint'         => Crypto::hint( '' !== $access ? $access : null ),
			'clientIdSet'        => null !== Secrets::get( 'moneybird_client_id' ),
			'administrationId'   => $m['administrationId'] ?? null,
			'administrationName' => $m['administrationName'] ?? null,
			'authorizedBy'       => '' !== $access ? ( $m['authorizedBy'] ?? null ) : null,
			'authorizedAt'       => '' !== $access ? ( $m['authorizedAt'] ?? null ) : null,
			'redirectUri'        => self::redirect_uri( 'moneybird' ),
		);
	}

	/**
	 * WooCommerce-access view.
	 *
	 * @return array
	 */
	public static function woocommerce_view(): array {
		$user = get_user_by( 'login', self::SYNC_USER );
		$set  = $user && null !== Secrets::get( 'sync_app_password' ) && self::sync_app_password_uuid( (int) $user->ID );
		return array(
			'connected'              => (bool) $set,
			'user'                   => $user ? self::SYNC_USER : null,
			'applicationPasswordSet' => (bool) $set,
			'createdAt'              => get_option( 'shopbooks_sync_user_created_at', null ),
			'applicationPasswordsAvailable' => function_exists( 'wp_is_application_passwords_available' ) && wp_is_application_passwords_available(),
		);
	}

	// ----- Exact Online ---------------------------------------------------------------------------

	/**
	 * Start the Exact connect flow.
	 *
	 * @param string      $country   Country code.
	 * @param string      $client_id Client id.
	 * @param string|null $secret    Client secret (null = keep the stored one).
	 * @return array|\WP_Error {authorizeUrl, redirectUri}
	 */
	public static function exact_start( string $country, string $client_id, ?string $secret ) {
		if ( ! isset( Endpoints::EXACT_COUNTRIES[ $country ] ) ) {
			return new \WP_Error( 'rest_invalid_param', __( 'Choose the country of your Exact Online subscription.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'country' => 'unknown' ) ) );
		}
		$client_id = trim( $client_id );
		if ( ! preg_match( '/^[{]?[0-9a-fA-F-]{8,64}[}]?$/', $client_id ) ) {
			return new \WP_Error( 'rest_invalid_param', __( 'The client ID of an Exact app looks like a GUID (from apps.exactonline.com).', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'clientId' => 'format' ) ) );
		}
		if ( null === $secret && null === Secrets::get( 'exact_client_secret' ) ) {
			return new \WP_Error( 'rest_invalid_param', __( 'Enter the client secret of your Exact app.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'clientSecret' => 'required' ) ) );
		}
		$old_id = Secrets::get( 'exact_client_id' );
		if ( null !== $old_id && $old_id !== $client_id ) {
			// Another app: its tokens are worthless with the new credentials.
			$old_name = self::exact_token_name();
			if ( $old_name ) {
				Store_Db::delete_token( $old_name );
			}
		}
		Secrets::set( 'exact_client_id', $client_id );
		if ( null !== $secret ) {
			Secrets::set( 'exact_client_secret', trim( $secret ) );
		}
		$m = self::meta()['exact'];
		if ( null !== $old_id && $old_id !== $client_id ) {
			// The chosen administration and "authorized by" belonged to the other app's consent.
			$m = array();
		}
		$m['country'] = $country;
		self::put_meta( 'exact', $m );
		$state = Oauth_State::create( 'exact' );
		$url   = Endpoints::exact( $country ) . '/api/oauth2/auth?' . http_build_query(
			array(
				'client_id'     => $client_id,
				'redirect_uri'  => self::redirect_uri( 'exact' ),
				'response_type' => 'code',
				'force_login'   => '0',
				'state'         => $state,
			),
			'',
			'&',
			PHP_QUERY_RFC3986
		);
		return array(
			'authorizeUrl' => $url,
			'redirectUri'  => self::redirect_uri( 'exact' ),
		);
	}

	/**
	 * Exchange the code (after the state was checked) and store the tokens.
	 *
	 * @param string $code Code.
	 * @return true|\WP_Error
	 */
	public static function exact_finish( string $code ) {
		$m       = self::meta()['exact'];
		$base    = Endpoints::exact( $m['country'] ?? 'NL' );
		$id      = Secrets::get( 'exact_client_id' );
		$secret  = Secrets::get( 'exact_client_secret' );
		if ( null === $id || null === $secret ) {
			return new \WP_Error( 'shopbooks_not_configured', __( 'Enter the client ID and secret of your Exact app first.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		$r = Http::request(
			'POST',
			$base . '/api/oauth2/token',
			array( 'Content-Type' => 'application/x-www-form-urlencoded' ),
			array(
				'grant_type'    => 'authorization_code',
				'code'          => $code,
				'redirect_uri'  => self::redirect_uri( 'exact' ),
				'client_id'     => $id,
				'client_secret' => $secret,
			),
			'Exact Online'
		);
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 200 !== $r['status'] || empty( $r['json']['access_token'] ) || empty( $r['json']['refresh_token'] ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_oauth_failed', sprintf( __( 'Exact Online did not accept the authorization: %s', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
		}
		$now_ms = (int) floor( microtime( true ) * 1000 );
		// Same shape as targets/exact/oauth.ts ExactTokenSet (epoch milliseconds).
		$token = array(
			'accessToken'         => (string) $r['json']['access_token'],
			'refreshToken'        => (string) $r['json']['refresh_token'],
			'accessIssuedAt'      => $now_ms,
			'accessExpiresAt'     => $now_ms + 1000 * (int) ( $r['json']['expires_in'] ?? 600 ),
			'refreshIssuedAt'     => $now_ms,
			'pendingRefreshSince' => null,
		);
		$me = Http::request( 'GET', $base . '/api/v1/current/Me?$select=CurrentDivision,FullName,UserName', array( 'Authorization' => 'Bearer ' . $token['accessToken'] ), null, 'Exact Online' );
		if ( is_wp_error( $me ) ) {
			return $me;
		}
		$row = $me['json']['d']['results'][0] ?? ( $me['json']['d'] ?? null );
		if ( 200 !== $me['status'] || ! is_array( $row ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_oauth_failed', sprintf( __( 'Exact Online did not tell who authorized the connection: %s', 'shopbooks' ), Http::remote_message( $me ) ), array( 'status' => 502 ) );
		}
		$m['authorizedBy']    = sanitize_text_field( (string) ( $row['FullName'] ?? $row['UserName'] ?? '' ) );
		$m['authorizedAt']    = gmdate( 'c' );
		$m['currentDivision'] = (int) ( $row['CurrentDivision'] ?? 0 );
		self::put_meta( 'exact', $m );
		$name = self::exact_token_name();
		if ( null === $name ) {
			return new \WP_Error( 'shopbooks_oauth_failed', __( 'Exact Online did not name an administration for this user.', 'shopbooks' ), array( 'status' => 502 ) );
		}
		Store_Db::put_token( $name, $token ); // a new consent supersedes the old chain

		return true;
	}

	/**
	 * A valid Exact access token (refreshing it under the shared lock, with compare-and-swap, the same
	 * way the sync core does: re-read after the lock, persist the rotated refresh token before use).
	 *
	 * @return array|\WP_Error token value
	 */
	public static function exact_access() {
		$moved = Identity::blocker();
		if ( null !== $moved ) {
			// A moved or copied site must not renew the live site's tokens (Exact rotates the refresh token).
			return new \WP_Error( 'shopbooks_site_moved', $moved, array( 'status' => 409 ) );
		}
		$name = self::exact_token_name();
		$tok  = $name ? Store_Db::get_token( $name ) : null;
		if ( null === $tok || empty( ( (array) $tok['value'] )['refreshToken'] ) ) {
			return new \WP_Error( 'shopbooks_not_authorized', __( 'Connect Exact Online first.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		$base  = Endpoints::exact( self::meta()['exact']['country'] ?? 'NL' );
		$fresh = static fn( array $v ) => (int) ( $v['accessExpiresAt'] ?? 0 ) - 30000 > microtime( true ) * 1000;
		$v     = (array) $tok['value'];
		if ( $fresh( $v ) ) {
			return $v + array( 'baseUrl' => $base );
		}
		$owner = 'plugin-' . wp_generate_uuid4();
		$lock  = Store_Db::lock( self::exact_lock_name( $name ), $owner, 60000 );
		if ( ! $lock['acquired'] ) {
			return new \WP_Error( 'shopbooks_busy', __( 'The Exact Online connection is being refreshed by a sync run. Try again in a moment.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		try {
			$tok = Store_Db::get_token( $name );
			$v   = (array) $tok['value'];
			if ( $fresh( $v ) ) {
				return $v + array( 'baseUrl' => $base );
			}
			if ( (int) ( $v['accessIssuedAt'] ?? 0 ) + 570000 > microtime( true ) * 1000 ) {
				return new \WP_Error( 'shopbooks_busy', __( 'Exact Online allows a new access token only 9.5 minutes after the previous one. Try again shortly.', 'shopbooks' ), array( 'status' => 409 ) );
			}
			$r = Http::request(
				'POST',
				$base . '/api/oauth2/token',
				array( 'Content-Type' => 'application/x-www-form-urlencoded' ),
				array(
					'grant_type'    => 'refresh_token',
					'refresh_token' => (string) $v['refreshToken'],
					'client_id'     => (string) Secrets::get( 'exact_client_id' ),
					'client_secret' => (string) Secrets::get( 'exact_client_secret' ),
				),
				'Exact Online'
			);
			if ( is_wp_error( $r ) ) {
				return $r;
			}
			if ( 200 !== $r['status'] || empty( $r['json']['access_token'] ) ) {
				/* translators: %s: remote error */
				return new \WP_Error( 'shopbooks_token_refresh_failed', sprintf( __( 'Exact Online refused to renew the connection (%s). Connect again.', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
			}
			$now_ms = (int) floor( microtime( true ) * 1000 );
			$next   = array(
				'accessToken'         => (string) $r['json']['access_token'],
				'refreshToken'        => (string) ( $r['json']['refresh_token'] ?? $v['refreshToken'] ),
				'accessIssuedAt'      => $now_ms,
				'accessExpiresAt'     => $now_ms + 1000 * (int) ( $r['json']['expires_in'] ?? 600 ),
				'refreshIssuedAt'     => $now_ms,
				'pendingRefreshSince' => null,
			);
			// Persist the rotated pair before the new access token is used.
			if ( null === Store_Db::cas_token( $name, $tok['version'], $next ) ) {
				return new \WP_Error( 'shopbooks_busy', __( 'The Exact Online connection changed meanwhile. Try again.', 'shopbooks' ), array( 'status' => 409 ) );
			}
			return $next + array( 'baseUrl' => $base );
		} finally {
			Store_Db::unlock( self::exact_lock_name( $name ), $owner );
		}
	}

	/**
	 * Divisions the user may access.
	 *
	 * @return array|\WP_Error
	 */
	public static function exact_divisions() {
		$v = self::exact_access();
		if ( is_wp_error( $v ) ) {
			return $v;
		}
		$div = (int) ( self::meta()['exact']['currentDivision'] ?? 0 );
		$r   = Http::request( 'GET', $v['baseUrl'] . '/api/v1/' . $div . '/system/Divisions?$select=Code,Description,Country,Currency,Current', array( 'Authorization' => 'Bearer ' . $v['accessToken'] ), null, 'Exact Online' );
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 200 !== $r['status'] || ! isset( $r['json']['d'] ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_remote_error', sprintf( __( 'Exact Online did not list the administrations: %s', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
		}
		$rows = $r['json']['d']['results'] ?? $r['json']['d'];
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[] = array(
				'code'     => (int) $row['Code'],
				'name'     => (string) ( $row['Description'] ?? '' ),
				'country'  => (string) ( $row['Country'] ?? '' ),
				'currency' => (string) ( $row['Currency'] ?? '' ),
				'current'  => (int) $row['Code'] === $div,
			);
		}
		return $out;
	}

	/**
	 * Choose the division.
	 *
	 * @param int $division Division code.
	 * @return array|\WP_Error exact view
	 */
	public static function exact_choose_division( int $division ) {
		$list = self::exact_divisions();
		if ( is_wp_error( $list ) ) {
			return $list;
		}
		foreach ( $list as $d ) {
			if ( $d['code'] === $division ) {
				$from              = self::exact_token_name();
				$m                 = self::meta()['exact'];
				$m['division']     = $division;
				$m['divisionName'] = $d['name'];
				self::put_meta( 'exact', $m );
				if ( $from ) {
					self::move_token( $from, (string) self::exact_token_name() );
				}
				return self::exact_view();
			}
		}
		return new \WP_Error( 'rest_invalid_param', __( 'That administration is not one this Exact Online user may use.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'division' => 'unknown' ) ) );
	}

	/**
	 * Remove the Exact connection completely.
	 *
	 * @return array exact view
	 */
	public static function exact_remove(): array {
		$name = self::exact_token_name();
		if ( $name ) {
			Store_Db::delete_token( $name );
		}
		Secrets::set( 'exact_client_id', null );
		Secrets::set( 'exact_client_secret', null );
		self::put_meta( 'exact', array() );
		return self::exact_view();
	}

	// ----- Moneybird ------------------------------------------------------------------------------

	/**
	 * Connect with a personal API token.
	 *
	 * @param string $token Token.
	 * @return array|\WP_Error moneybird view
	 */
	public static function moneybird_token( string $token ) {
		$token = trim( $token );
		if ( strlen( $token ) < 16 || preg_match( '/\s/', $token ) ) {
			return new \WP_Error( 'rest_invalid_param', __( 'That does not look like a Moneybird API token.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'token' => 'format' ) ) );
		}
		$r = Http::request( 'GET', Endpoints::moneybird() . '/api/v2/administrations.json', array( 'Authorization' => 'Bearer ' . $token ), null, 'Moneybird' );
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 401 === $r['status'] || 403 === $r['status'] ) {
			return new \WP_Error( 'shopbooks_token_rejected', __( 'Moneybird did not accept this API token.', 'shopbooks' ), array( 'status' => 400 ) );
		}
		if ( 200 !== $r['status'] || ! is_array( $r['json'] ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_remote_error', sprintf( __( 'Moneybird answered unexpectedly: %s', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
		}
		self::moneybird_remove();
		Secrets::set( 'moneybird_token', $token );
		self::put_meta(
			'moneybird',
			array(
				'method'       => 'token',
				'authorizedBy' => wp_get_current_user()->display_name,
				'authorizedAt' => gmdate( 'c' ),
			)
		);
		return self::moneybird_view();
	}

	/**
	 * Start the Moneybird OAuth flow.
	 *
	 * @param string $client_id Client id.
	 * @param string $secret    Client secret.
	 * @return array|\WP_Error
	 */
	public static function moneybird_start( string $client_id, string $secret ) {
		if ( ! preg_match( '/^[A-Za-z0-9_-]{8,128}$/', trim( $client_id ) ) || '' === trim( $secret ) ) {
			return new \WP_Error( 'rest_invalid_param', __( 'Enter the client ID and secret of your Moneybird application.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'clientId' => 'format' ) ) );
		}
		Secrets::set( 'moneybird_client_id', trim( $client_id ) );
		Secrets::set( 'moneybird_client_secret', trim( $secret ) );
		$state = Oauth_State::create( 'moneybird' );
		return array(
			'authorizeUrl' => Endpoints::moneybird() . '/oauth/authorize?' . http_build_query(
				array(
					'client_id'     => trim( $client_id ),
					'redirect_uri'  => self::redirect_uri( 'moneybird' ),
					'response_type' => 'code',
					'scope'         => 'sales_invoices documents settings',
					'state'         => $state,
				),
				'',
				'&',
				PHP_QUERY_RFC3986
			),
			'redirectUri'  => self::redirect_uri( 'moneybird' ),
		);
	}

	/**
	 * Finish the Moneybird OAuth flow.
	 *
	 * @param string $code Code.
	 * @return true|\WP_Error
	 */
	public static function moneybird_finish( string $code ) {
		$r = Http::request(
			'POST',
			Endpoints::moneybird() . '/oauth/token',
			array( 'Content-Type' => 'application/x-www-form-urlencoded' ),
			array(
				'grant_type'    => 'authorization_code',
				'code'          => $code,
				'redirect_uri'  => self::redirect_uri( 'moneybird' ),
				'client_id'     => (string) Secrets::get( 'moneybird_client_id' ),
				'client_secret' => (string) Secrets::get( 'moneybird_client_secret' ),
			),
			'Moneybird'
		);
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 200 !== $r['status'] || empty( $r['json']['access_token'] ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_oauth_failed', sprintf( __( 'Moneybird did not accept the authorization: %s', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
		}
		$now = (int) floor( microtime( true ) * 1000 );
		// Same shape as targets/moneybird/transport.ts OAuthTokenValue (expiresAt in epoch ms).
		$v = array( 'accessToken' => (string) $r['json']['access_token'] );
		if ( ! empty( $r['json']['refresh_token'] ) ) {
			$v['refreshToken'] = (string) $r['json']['refresh_token'];
		}
		if ( ! empty( $r['json']['expires_in'] ) ) {
			$v['expiresAt'] = $now + 1000 * (int) $r['json']['expires_in'];
		}
		Secrets::set( 'moneybird_token', null );
		$user = get_userdata( Oauth_State::request_user() );
		self::put_meta(
			'moneybird',
			array(
				'method'       => 'oauth',
				'authorizedBy' => $user ? $user->display_name : '',
				'authorizedAt' => gmdate( 'c' ),
			)
		);
		Store_Db::put_token( (string) self::moneybird_token_name(), $v );
		return true;
	}

	/**
	 * Administrations of the token.
	 *
	 * @return array|\WP_Error
	 */
	public static function moneybird_administrations() {
		$acc = (string) self::moneybird_access();
		if ( '' === $acc ) {
			return new \WP_Error( 'shopbooks_not_authorized', __( 'Connect Moneybird first.', 'shopbooks' ), array( 'status' => 409 ) );
		}
		$r = Http::request( 'GET', Endpoints::moneybird() . '/api/v2/administrations.json', array( 'Authorization' => 'Bearer ' . $acc ), null, 'Moneybird' );
		if ( is_wp_error( $r ) ) {
			return $r;
		}
		if ( 200 !== $r['status'] || ! is_array( $r['json'] ) ) {
			/* translators: %s: remote error */
			return new \WP_Error( 'shopbooks_remote_error', sprintf( __( 'Moneybird did not list the administrations: %s', 'shopbooks' ), Http::remote_message( $r ) ), array( 'status' => 502 ) );
		}
		return array_map(
			static fn( $a ) => array(
				'id'       => (string) $a['id'],
				'name'     => (string) ( $a['name'] ?? '' ),
				'currency' => (string) ( $a['currency'] ?? '' ),
				'country'  => (string) ( $a['country'] ?? '' ),
			),
			$r['json']
		);
	}

	/**
	 * Choose the administration.
	 *
	 * @param string $id Administration id.
	 * @return array|\WP_Error moneybird view
	 */
	public static function moneybird_choose( string $id ) {
		$list = self::moneybird_administrations();
		if ( is_wp_error( $list ) ) {
			return $list;
		}
		foreach ( $list as $a ) {
			if ( $a['id'] === $id ) {
				$from                    = self::moneybird_token_name();
				$m                       = self::meta()['moneybird'];
				$m['administrationId']   = $id;
				$m['administrationName'] = $a['name'];
				self::put_meta( 'moneybird', $m );
				if ( $from ) {
					self::move_token( $from, (string) self::moneybird_token_name() );
				}
				return self::moneybird_view();
			}
		}
		return new \WP_Error( 'rest_invalid_param', __( 'That administration is not available with this Moneybird connection.', 'shopbooks' ), array( 'status' => 400, 'params' => array( 'administrationId' => 'unknown' ) ) );
	}

	/**
	 * Remove the Moneybird connection.
	 *
	 * @return array
	 */
	public static function moneybird_remove(): array {
		$name = self::moneybird_token_name();
		if ( $name ) {
			Store_Db::delete_token( $name );
		}
		Secrets::set( 'moneybird_token', null );
		Secrets::set( 'moneybird_client_id', null );
		Secrets::set( 'moneybird_client_secret', null );
		self::put_meta( 'moneybird', array() );
		return self::moneybird_view();
	}

	// ----- WooCommerce access: the dedicated sync user ----------------------------------------------

	/**
	 * Capabilities of the sync role.
	 *
	 * @return array
	 */
	public static function sync_caps(): array {
		// Reading orders and their refunds through WooCommerce's REST API needs only these; the tax
		// table (/wc/v3/taxes) is granted by grant_tax_read(), nothing else.
		return array(
			'read'                     => true,
			'read_shop_order'          => true,
			'read_private_shop_orders' => true,
		);
	}

	/**
	 * WooCommerce's /taxes route wants manage_woocommerce; the sync user may read it (only read,
	 * only the tax settings) without getting that capability.
	 *
	 * @param bool   $permission Permission so far.
	 * @param string $context    read|create|edit|delete|batch.
	 * @param int    $object_id  Object id.
	 * @param string $object     Object type.
	 * @return bool
	 */
	public static function grant_tax_read( $permission, $context = '', $object_id = 0, $object = '' ): bool {
		if ( ! $permission && 'read' === $context && 'settings' === $object ) {
			$user = wp_get_current_user();
			if ( $user && self::SYNC_USER === $user->user_login ) {
				return true;
			}
		}
		return (bool) $permission;
	}

	/**
	 * True when the request is the sync user with the plugin's own application password (its UUID):
	 * the only credential that may use /store/*, which hands out decrypted tokens.
	 *
	 * @param int    $user_id User.
	 * @param string $uuid    UUID of the application password used.
	 * @return bool
	 */
	public static function is_sync_credential( int $user_id, string $uuid ): bool {
		$user = get_user_by( 'id', $user_id );
		$want = (string) get_option( 'shopbooks_sync_app_password_uuid', '' );
		return $user && self::SYNC_USER === $user->user_login && '' !== $want && hash_equals( $want, $uuid );
	}

	/**
	 * Make the sync role exactly sync_caps() (an install from before keeps no extra capability).
	 */
	public static function ensure_sync_role(): void {
		$role = get_role( self::SYNC_ROLE );
		if ( ! $role ) {
			add_role( self::SYNC_ROLE, 'Shopbooks sync', self::sync_caps() );
			return;
		}
		$want = self::sync_caps();
		foreach ( array_keys( $role->capabilities ) as $cap ) {
			if ( ! isset( $want[ $cap ] ) ) {
				$role->remove_cap( $cap );
			}
		}
		foreach ( $want as $cap => $grant ) {
			if ( empty( $role->capabilities[ $cap ] ) ) {
				$role->add_cap( $cap, $grant );
			}
		}
	}

	/**
	 * Forget every connection on this site only (a copy of the live site): credentials, facts and
	 * the sync user's password. No call to Exact or Moneybird, so the live site's tokens stay valid.
	 */
	public static function forget_local(): void {
		foreach ( array( 'exact_client_id', 'exact_client_secret', 'moneybird_token', 'moneybird_client_id', 'moneybird_client_secret' ) as $secret ) {
			Secrets::set( $secret, null );
		}
		delete_option( self::OPTION );
		self::woocommerce_disconnect();
	}

	/**
	 * UUID of the plugin's application password of $user_id, or null.
	 *
	 * @param int $user_id User.
	 * @return string|null
	 */
	private static function sync_app_password_uuid( int $user_id ): ?string {
		$want = get_option( 'shopbooks_sync_app_password_uuid' );
		foreach ( \WP_Application_Passwords::get_user_application_passwords( $user_id ) as $item ) {
			if ( $item['uuid'] === $want ) {
				return $item['uuid'];
			}
		}
		return null;
	}

	/**
	 * Create (or re-create) the sync user and a fresh application password for it.
	 *
	 * @return array|\WP_Error woocommerce view
	 */
	public static function woocommerce_connect() {
		if ( ! get_role( self::SYNC_ROLE ) ) {
			add_role( self::SYNC_ROLE, 'Shopbooks sync', self::sync_caps() );
		}
		$user = get_user_by( 'login', self::SYNC_USER );
		if ( ! $user ) {
			$host = wp_parse_url( home_url(), PHP_URL_HOST );
			$id   = wp_insert_user(
				array(
					'user_login'   => self::SYNC_USER,
					'user_pass'    => wp_generate_password( 32, true, true ),
					'user_email'   => 'shopbooks-sync@' . ( $host && false !== strpos( $host, '.' ) ? $host : 'example.invalid' ),
					'display_name' => 'Shopbooks sync',
					'role'         => self::SYNC_ROLE,
				)
			);
			if ( is_wp_error( $id ) ) {
				return new \WP_Error( 'shopbooks_sync_user_failed', $id->get_error_message(), array( 'status' => 500 ) );
			}
			$user = get_user_by( 'id', $id );
			update_option( 'shopbooks_sync_user_created_at', gmdate( 'c' ), false );
		}
		$old = get_option( 'shopbooks_sync_app_password_uuid' );
		if ( $old ) {
			\WP_Application_Passwords::delete_application_password( $user->ID, $old );
		}
		$created = \WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => self::APP_NAME ) );
		if ( is_wp_error( $created ) ) {
			return new \WP_Error( 'shopbooks_sync_user_failed', $created->get_error_message(), array( 'status' => 500 ) );
		}
		Secrets::set( 'sync_app_password', $created[0] );
		update_option( 'shopbooks_sync_app_password_uuid', $created[1]['uuid'], false );
		return self::woocommerce_view();
	}

	/**
	 * Revoke the application password (the user stays).
	 *
	 * @return array
	 */
	public static function woocommerce_disconnect(): array {
		$user = get_user_by( 'login', self::SYNC_USER );
		$uuid = get_option( 'shopbooks_sync_app_password_uuid' );
		if ( $user && $uuid ) {
			\WP_Application_Passwords::delete_application_password( $user->ID, $uuid );
		}
		delete_option( 'shopbooks_sync_app_password_uuid' );
		Secrets::set( 'sync_app_password', null );
		return self::woocommerce_view();
	}
}
