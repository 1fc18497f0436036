<?php
/**
 * Finds the Node.js binary that runs the bundled sync core: the setting first, then the PATH and
 * the usual install locations.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Node.js discovery.
 */
final class Node_Locator {
	public const OPTION      = 'shopbooks_node_path';
	public const MIN_VERSION = 20;

	/**
	 * Where Node is, and whether it is usable.
	 *
	 * @return array{found:bool, path:?string, version:?string, source:string, problem:?string}
	 */
	public static function locate(): array {
		$setting = (string) get_option( self::OPTION, '' );
		// Cached for 10 minutes (admin notices ask on every page); the key follows the setting.
		$key    = 'shopbooks_node_' . md5( $setting . '|' . getenv( 'PATH' ) );
		$cached = get_transient( $key );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		if ( '' !== $setting ) {
			$r = self::probe( $setting );
			$r['source'] = 'setting';
		} else {
			$r = array(
				'found'   => false,
				'path'    => null,
				'version' => null,
				'source'  => 'none',
				'problem' => __( 'Node.js was not found on this server.', 'shopbooks' ),
			);
			foreach ( self::candidates() as $candidate ) {
				$p = self::probe( $candidate );
				if ( $p['found'] ) {
					$r           = $p;
					$r['source'] = 'path';
					break;
				}
				if ( null !== $p['version'] ) {
					$r           = $p; // found but too old: remember why.
					$r['source'] = 'path';
				}
			}
		}
		set_transient( $key, $r, 10 * MINUTE_IN_SECONDS );
		return $r;
	}

	/**
	 * Candidate binaries: PATH entries, then common locations.
	 *
	 * @return string[]
	 */
	private static function candidates(): array {
		$dirs = array_filter( explode( PATH_SEPARATOR, (string) getenv( 'PATH' ) ) );
		$dirs = array_merge( $dirs, array( '/usr/local/bin', '/usr/bin', '/opt/homebrew/bin', '/opt/local/bin', '/snap/bin' ) );
		$out  = array();
		foreach ( array_unique( $dirs ) as $d ) {
			$out[] = rtrim( $d, '/' ) . '/node';
		}
		return $out;
	}

	/**
	 * Run `<path> --version` and check it.
	 *
	 * @param string $path Binary.
	 * @return array
	 */
	public static function probe( string $path ): array {
		$r = array(
			'found'   => false,
			'path'    => $path,
			'version' => null,
			'source'  => 'setting',
			'problem' => null,
		);
		if ( '' === $path || ! is_file( $path ) || ! is_executable( $path ) ) {
			/* translators: %s: path */
			$r['problem'] = sprintf( __( '%s is not an executable file.', 'shopbooks' ), $path );
			return $r;
		}
		if ( ! function_exists( 'proc_open' ) ) {
			$r['problem'] = __( 'PHP cannot start programs on this server (proc_open is disabled).', 'shopbooks' );
			return $r;
		}
		$proc = proc_open( array( $path, '--version' ), array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes ); // phpcs:ignore Generic.PHP.ForbiddenFunctions
		if ( ! is_resource( $proc ) ) {
			/* translators: %s: path */
			$r['problem'] = sprintf( __( '%s could not be started.', 'shopbooks' ), $path );
			return $r;
		}
		$out = trim( (string) stream_get_contents( $pipes[1] ) );
		fclose( $pipes[1] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		fclose( $pipes[2] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fclose
		$code = proc_close( $proc );
		if ( 0 !== $code || ! preg_match( '/^v(\d+)\.\d+\.\d+/', $out, $m ) ) {
			/* translators: %s: path */
			$r['problem'] = sprintf( __( '%s is not Node.js.', 'shopbooks' ), $path );
			return $r;
		}
		$r['version'] = $out;
		if ( (int) $m[1] < self::MIN_VERSION ) {
			/* translators: 1: found version, 2: needed major version */
			$r['problem'] = sprintf( __( 'Node.js %1$s is too old; Shopbooks needs Node.js %2$d or newer.', 'shopbooks' ), $out, self::MIN_VERSION );
			return $r;
		}
		$r['found'] = true;
		return $r;
	}

	/**
	 * Forget the cached result (after the setting changed).
	 */
	public static function flush(): void {
		delete_transient( 'shopbooks_node_' . md5( (string) get_option( self::OPTION, '' ) . '|' . getenv( 'PATH' ) ) );
	}
}
