<?php
/**
 * The sync state in plugin mode: ledger, cursors, mappings, tokens (compare-and-swap), locks, runs.
 * Mirrors sync-core/src/store/port.ts; the sync core reaches it over /store/* routes.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Database access for the Store port. All writes that must be atomic across processes use one SQL
 * statement or a transaction with row locks (InnoDB).
 */
final class Store_Db {
	public const DB_VERSION = '1';

	/** Fields of a LedgerEntry, in port order. */
	public const ENTRY_FIELDS = array( 'key', 'kind', 'shopId', 'orderId', 'orderNumber', 'refundId', 'reference', 'status', 'claimedBy', 'claimExpiresAt', 'writeStartedAt', 'documentId', 'documentType', 'documentNumber', 'documentUrl', 'customerId', 'gross', 'vat', 'contentHash', 'bookedPlan', 'failedConfig', 'attempts', 'lastError', 'nextRetryAt', 'skipReason', 'updatedAt', 'createdAt' );

	/**
	 * Table names.
	 *
	 * @param string $name ledger|kv|tokens|locks|runs.
	 * @return string
	 */
	public static function table( string $name ): string {
		global $wpdb;
		return $wpdb->prefix . 'shopbooks_' . $name;
	}

	/**
	 * Create or upgrade the tables.
	 */
	public static function install(): void {
		global $wpdb;
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		$c = $wpdb->get_charset_collate();
		dbDelta(
			'CREATE TABLE ' . self::table( 'ledger' ) . " (
  entry_key varchar(191) NOT NULL,
  kind varchar(20) NOT NULL,
  shop_id varchar(191) NOT NULL,
  order_id varchar(64) NOT NULL,
  order_number varchar(64) NOT NULL,
  status varchar(20) NOT NULL,
  next_retry_at varchar(32) NULL,
  updated_at varchar(32) NOT NULL,
  data longtext NOT NULL,
  PRIMARY KEY  (entry_key),
  KEY status (status),
  KEY order_id (order_id),
  KEY updated_at (updated_at)
) $c;"
		);
		dbDelta(
			'CREATE TABLE ' . self::table( 'kv' ) . " (
  ns varchar(64) NOT NULL,
  k varchar(191) NOT NULL,
  v longtext NOT NULL,
  PRIMARY KEY  (ns,k)
) $c;"
		);
		dbDelta(
			'CREATE TABLE ' . self::table( 'tokens' ) . " (
  name varchar(191) NOT NULL,
  value longtext NOT NULL,
  version bigint(20) unsigned NOT NULL,
  updated_at varchar(32) NOT NULL,
  PRIMARY KEY  (name)
) $c;"
		);
		dbDelta(
			'CREATE TABLE ' . self::table( 'locks' ) . " (
  name varchar(191) NOT NULL,
  owner varchar(191) NOT NULL,
  expires_ms bigint(20) unsigned NOT NULL,
  PRIMARY KEY  (name)
) $c;"
		);
		dbDelta(
			'CREATE TABLE ' . self::table( 'runs' ) . " (
  id varchar(64) NOT NULL,
  command varchar(64) NOT NULL,
  started_at varchar(32) NOT NULL,
  finished_at varchar(32) NULL,
  booked int(11) NOT NULL DEFAULT 0,
  failed int(11) NOT NULL DEFAULT 0,
  skipped int(11) NOT NULL DEFAULT 0,
  message text NOT NULL,
  PRIMARY KEY  (id),
  KEY started_at (started_at)
) $c;"
		);
		update_option( 'shopbooks_db_version', self::DB_VERSION, false );
	}

	/**
	 * Drop all tables (uninstall).
	 */
	public static function drop(): void {
		global $wpdb;
		foreach ( array( 'ledger', 'kv', 'tokens', 'locks', 'runs' ) as $t ) {
			$wpdb->query( 'DROP TABLE IF EXISTS ' . self::table( $t ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		}
	}

	/**
	 * Now as the port's ISO-8601 string (milliseconds, Z).
	 *
	 * @param int|null $ms Epoch milliseconds.
	 * @return string
	 */
	public static function iso( ?int $ms = null ): string {
		$ms = $ms ?? (int) floor( microtime( true ) * 1000 );
		return gmdate( 'Y-m-d\TH:i:s', intdiv( $ms, 1000 ) ) . sprintf( '.%03dZ', $ms % 1000 );
	}

	/**
	 * Epoch ms of an ISO string (null if unparsable).
	 *
	 * @param string|null $iso ISO date.
	 * @return int|null
	 */
	public static function ms( ?string $iso ): ?int {
		if ( null === $iso || '' === $iso ) {
			return null;
		}
		try {
			$d = new \DateTimeImmutable( $iso );
		} catch ( \Exception $e ) {
			return null;
		}
		return (int) $d->format( 'U' ) * 1000 + (int) $d->format( 'v' );
	}

	// ----- ledger ---------------------------------------------------------------------------

	/**
	 * One entry.
	 *
	 * @param string $key Entry key.
	 * @param bool   $for_update Lock the row (inside a transaction).
	 * @return array|null
	 */
	public static function get_entry( string $key, bool $for_update = false ): ?array {
		global $wpdb;
		$sql  = $wpdb->prepare( 'SELECT data FROM ' . self::table( 'ledger' ) . ' WHERE entry_key = %s', $key ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$data = $wpdb->get_var( $sql . ( $for_update ? ' FOR UPDATE' : '' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return $data ? json_decode( $data, true ) : null;
	}

	/**
	 * Insert or replace an entry.
	 *
	 * @param array $e LedgerEntry.
	 */
	private static function put_entry( array $e ): void {
		global $wpdb;
		$ok = $wpdb->replace(
			self::table( 'ledger' ),
			array(
				'entry_key'     => $e['key'],
				'kind'          => (string) $e['kind'],
				'shop_id'       => (string) $e['shopId'],
				'order_id'      => (string) $e['orderId'],
				'order_number'  => (string) $e['orderNumber'],
				'status'        => (string) $e['status'],
				'next_retry_at' => $e['nextRetryAt'],
				'updated_at'    => (string) $e['updatedAt'],
				'data'          => wp_json_encode( $e ),
			)
		);
		if ( false === $ok ) {
			throw new \RuntimeException( 'ledger write failed: ' . $wpdb->last_error );
		}
	}

	/**
	 * Booked entries of one shop id (one connection's ledger).
	 *
	 * @param string $shop_id Shop id.
	 * @return int
	 */
	public static function count_booked( string $shop_id ): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( 'SELECT COUNT(*) FROM ' . self::table( 'ledger' ) . " WHERE shop_id = %s AND status = 'booked'", $shop_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Forget every stored token (a copy of the site lets go of the live site's connection).
	 */
	public static function forget_tokens(): void {
		global $wpdb;
		$wpdb->query( 'DELETE FROM ' . self::table( 'tokens' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * A new entry as the port creates it (memory-store.ts newEntry).
	 *
	 * @param array  $init Init fields.
	 * @param string $now  ISO now.
	 * @return array
	 */
	private static function new_entry( array $init, string $now ): array {
		$e = array();
		foreach ( self::ENTRY_FIELDS as $f ) {
			$e[ $f ] = array_key_exists( $f, $init ) ? $init[ $f ] : null;
		}
		$e['status']    = 'claimed';
		$e['attempts']  = 0;
		$e['createdAt'] = $now;
		$e['updatedAt'] = $now;
		return $e;
	}

	/**
	 * Atomically claim an entry (the port's decideClaim rule) under a row lock.
	 *
	 * @param string $key      Entry key.
	 * @param array  $init     Init fields (key, kind, shopId, orderId, orderNumber, refundId, reference, contentHash).
	 * @param string $run_id   Run id.
	 * @param int    $lease_ms Lease.
	 * @return array ClaimResult.
	 */
	public static function claim( string $key, array $init, string $run_id, int $lease_ms ): array {
		global $wpdb;
		$now_ms = (int) floor( microtime( true ) * 1000 );
		$now    = self::iso( $now_ms );
		$init['key'] = $key;
		$wpdb->query( 'START TRANSACTION' );
		try {
			// Make sure the row exists, then lock it; INSERT IGNORE makes a concurrent first claim safe.
			$fresh = self::new_entry( $init, $now );
			$wpdb->query(
				$wpdb->prepare(
					'INSERT IGNORE INTO ' . self::table( 'ledger' ) . ' (entry_key, kind, shop_id, order_id, order_number, status, next_retry_at, updated_at, data) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s)', // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
					$key,
					(string) $fresh['kind'],
					(string) $fresh['shopId'],
					(string) $fresh['orderId'],
					(string) $fresh['orderNumber'],
					'new',
					$now,
					wp_json_encode( $fresh )
				)
			);
			$created = 1 === (int) $wpdb->rows_affected;
			$entry   = self::get_entry( $key, true );
			if ( null === $entry ) {
				throw new \RuntimeException( 'ledger row vanished' );
			}
			if ( 'booked' === $entry['status'] || 'skipped' === $entry['status'] ) {
				$wpdb->query( 'COMMIT' );
				return array(
					'ok'     => false,
					'entry'  => $entry,
					'reason' => $entry['status'],
				);
			}
			$expires = self::ms( $entry['claimExpiresAt'] ?? null );
			if ( ! $created && ! empty( $entry['claimedBy'] ) && $entry['claimedBy'] !== $run_id && null !== $expires && $expires > $now_ms ) {
				$wpdb->query( 'COMMIT' );
				return array(
					'ok'     => false,
					'entry'  => $entry,
					'reason' => 'claimed-elsewhere',
				);
			}
			$entry['claimedBy']      = $run_id;
			$entry['claimExpiresAt'] = self::iso( $now_ms + $lease_ms );
			$entry['updatedAt']      = $now;
			if ( 'failed' !== $entry['status'] ) {
				$entry['status'] = 'claimed';
			}
			self::put_entry( $entry );
			$wpdb->query( 'COMMIT' );
			return array(
				'ok'    => true,
				'entry' => $entry,
			);
		} catch ( \Throwable $e ) {
			$wpdb->query( 'ROLLBACK' );
			throw $e;
		}
	}

	/**
	 * Patch an entry (no holder check).
	 *
	 * @param string $key   Entry key.
	 * @param array  $patch Partial LedgerEntry.
	 * @return array|null The new entry, null when there is none.
	 */
	public static function update_entry( string $key, array $patch ): ?array {
		return self::update_entry_as( $key, $patch, null )['entry'];
	}

	/**
	 * Patch an entry. With a holder (fencing), the patch applies only while the entry is claimed by
	 * that run: checked and written in one conditional UPDATE, so a run that lost its claim can
	 * record nothing.
	 *
	 * @param string      $key    Entry key.
	 * @param array       $patch  Partial LedgerEntry.
	 * @param string|null $holder Run id that must hold the claim, or null (no check).
	 * @return array{result:string, entry:array|null} result ok|missing|claim_lost; entry as now stored.
	 */
	public static function update_entry_as( string $key, array $patch, ?string $holder ): array {
		return self::cas_entry(
			$key,
			static function ( array $entry ) use ( $patch, $holder ): ?array {
				if ( null !== $holder && ( $entry['claimedBy'] ?? null ) !== $holder ) {
					return null;
				}
				foreach ( $patch as $f => $v ) {
					if ( in_array( $f, self::ENTRY_FIELDS, true ) && 'key' !== $f ) {
						$entry[ $f ] = $v;
					}
				}
				$entry['updatedAt'] = self::iso();
				return $entry;
			}
		);
	}

	/**
	 * Heartbeat: extend $run_id's claim to now + $lease_ms, only while it holds the claim.
	 *
	 * @param string $key      Entry key.
	 * @param string $run_id   Run id.
	 * @param int    $lease_ms Lease.
	 * @return bool Renewed.
	 */
	public static function renew_claim( string $key, string $run_id, int $lease_ms ): bool {
		$res = self::cas_entry(
			$key,
			static function ( array $entry ) use ( $run_id, $lease_ms ): ?array {
				if ( ( $entry['claimedBy'] ?? null ) !== $run_id ) {
					return null;
				}
				$now_ms                  = (int) floor( microtime( true ) * 1000 );
				$entry['claimExpiresAt'] = self::iso( $now_ms + $lease_ms );
				$entry['updatedAt']      = self::iso( $now_ms );
				return $entry;
			}
		);
		return 'ok' === $res['result'];
	}

	/**
	 * Compare-and-set of one ledger row: read it, let $mutate decide (null = refuse), and write
	 * with `UPDATE … WHERE entry_key = %s AND BINARY data = %s` (the row as read). When another
	 * process changed the row in between, nothing is written and the decision is taken again on
	 * the new row.
	 *
	 * @param string   $key    Entry key.
	 * @param callable $mutate fn(array $entry): ?array.
	 * @return array{result:string, entry:array|null} result ok|missing|claim_lost.
	 * @throws \RuntimeException When the database refuses the write, or the row keeps changing.
	 */
	private static function cas_entry( string $key, callable $mutate ): array {
		global $wpdb;
		$t = self::table( 'ledger' );
		for ( $attempt = 0; $attempt < 20; $attempt++ ) {
			$old = $wpdb->get_var( $wpdb->prepare( "SELECT data FROM $t WHERE entry_key = %s", $key ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			if ( null === $old ) {
				if ( '' !== $wpdb->last_error ) {
					throw new \RuntimeException( 'ledger read failed: ' . $wpdb->last_error );
				}
				return array(
					'result' => 'missing',
					'entry'  => null,
				);
			}
			$entry = json_decode( $old, true );
			if ( ! is_array( $entry ) || 'new' === ( $entry['status'] ?? null ) ) {
				return array(
					'result' => 'missing',
					'entry'  => null,
				);
			}
			$next = $mutate( $entry );
			if ( null === $next ) {
				return array(
					'result' => 'claim_lost',
					'entry'  => $entry,
				);
			}
			$data = wp_json_encode( $next );
			if ( $data === $old ) {
				return array(
					'result' => 'ok',
					'entry'  => $next,
				);
			}
			$retry = $next['nextRetryAt'] ?? null;
			$n     = $wpdb->query(
				$wpdb->prepare(
					"UPDATE $t SET status = %s, next_retry_at = " . ( null === $retry ? 'NULL' : '%s' ) . ', updated_at = %s, data = %s WHERE entry_key = %s AND BINARY data = BINARY %s', // phpcs:ignore WordPress.DB.PreparedSQL
					...array_values(
						array_filter(
							array( (string) $next['status'], $retry, (string) $next['updatedAt'], $data, $key, $old ),
							static fn( $v ) => null !== $v
						)
					)
				)
			);
			if ( false === $n ) {
				throw new \RuntimeException( 'ledger update failed: ' . $wpdb->last_error );
			}
			if ( 1 === (int) $n ) {
				return array(
					'result' => 'ok',
					'entry'  => $next,
				);
			}
			usleep( 2000 * ( $attempt + 1 ) );
		}
		throw new \RuntimeException( 'ledger row kept changing' );
	}

	/**
	 * Entries by filter (the port's listEntries).
	 *
	 * @param array $filter status, shopId, dueBefore.
	 * @return array[]
	 */
	public static function list_entries( array $filter = array() ): array {
		global $wpdb;
		$where = array( "status <> 'new'" );
		$args  = array();
		if ( ! empty( $filter['status'] ) ) {
			$where[] = 'status = %s';
			$args[]  = $filter['status'];
		}
		if ( ! empty( $filter['shopId'] ) ) {
			$where[] = 'shop_id = %s';
			$args[]  = $filter['shopId'];
		}
		if ( ! empty( $filter['dueBefore'] ) ) {
			$where[] = '(next_retry_at IS NULL OR next_retry_at <= %s)';
			$args[]  = $filter['dueBefore'];
		}
		$sql  = 'SELECT data FROM ' . self::table( 'ledger' ) . ' WHERE ' . implode( ' AND ', $where ) . ' ORDER BY updated_at ASC';
		$rows = $wpdb->get_col( $args ? $wpdb->prepare( $sql, $args ) : $sql ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return array_map( static fn( $d ) => json_decode( $d, true ), $rows );
	}

	/**
	 * A page of entries for the wp-admin log, newest first.
	 *
	 * @param string $status  Status filter or ''.
	 * @param string $search  Order number search or ''.
	 * @param int    $page    Page (1-based).
	 * @param int    $per_page Page size.
	 * @return array{total:int, entries:array[], counts:array}
	 */
	public static function page_entries( string $status, string $search, int $page, int $per_page, array $hide_shops = array() ): array {
		global $wpdb;
		$t     = self::table( 'ledger' );
		$where = array( "status <> 'new'" );
		$args  = array();
		$hide  = '';
		if ( $hide_shops ) {
			// Another accounting system's ledger (Connection_Scope): not part of this log.
			$hide    = 'shop_id NOT IN (' . implode( ',', array_fill( 0, count( $hide_shops ), '%s' ) ) . ')';
			$where[] = $hide;
			$args    = array_merge( $args, array_values( $hide_shops ) );
		}
		if ( '' !== $status ) {
			$where[] = 'status = %s';
			$args[]  = $status;
		}
		if ( '' !== $search ) {
			$where[] = '(order_number LIKE %s OR order_id = %s)';
			$args[]  = '%' . $wpdb->esc_like( $search ) . '%';
			$args[]  = $search;
		}
		$w     = implode( ' AND ', $where );
		$total = (int) $wpdb->get_var( $args ? $wpdb->prepare( "SELECT COUNT(*) FROM $t WHERE $w", $args ) : "SELECT COUNT(*) FROM $t WHERE $w" ); // phpcs:ignore WordPress.DB.PreparedSQL
		$q     = "SELECT data FROM $t WHERE $w ORDER BY updated_at DESC, entry_key ASC LIMIT %d OFFSET %d";
		$rows  = $wpdb->get_col( $wpdb->prepare( $q, array_merge( $args, array( $per_page, ( $page - 1 ) * $per_page ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL
		$counts = array(
			'booked'  => 0,
			'failed'  => 0,
			'skipped' => 0,
			'claimed' => 0,
		);
		$count_sql = "SELECT status, COUNT(*) AS n FROM $t" . ( $hide ? " WHERE $hide" : '' ) . ' GROUP BY status';
		foreach ( $wpdb->get_results( $hide ? $wpdb->prepare( $count_sql, array_values( $hide_shops ) ) : $count_sql ) as $r ) { // phpcs:ignore WordPress.DB.PreparedSQL
			if ( isset( $counts[ $r->status ] ) ) {
				$counts[ $r->status ] = (int) $r->n;
			}
		}
		return array(
			'total'   => $total,
			'entries' => array_map( static fn( $d ) => json_decode( $d, true ), $rows ),
			'counts'  => $counts,
		);
	}

	/**
	 * The latest entry of one order (for the order screen).
	 *
	 * @param string $order_id Order id.
	 * @return array[]
	 */
	public static function entries_for_order( string $order_id ): array {
		global $wpdb;
		$rows = $wpdb->get_col( $wpdb->prepare( 'SELECT data FROM ' . self::table( 'ledger' ) . " WHERE order_id = %s AND status <> 'new' ORDER BY updated_at DESC", $order_id ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return array_map( static fn( $d ) => json_decode( $d, true ), $rows );
	}

	// ----- key-value: cursors and mappings ---------------------------------------------------

	/**
	 * Read a value.
	 *
	 * @param string $ns Namespace.
	 * @param string $k  Key.
	 * @return string|null
	 */
	public static function kv_get( string $ns, string $k ): ?string {
		global $wpdb;
		$v = $wpdb->get_var( $wpdb->prepare( 'SELECT v FROM ' . self::table( 'kv' ) . ' WHERE ns = %s AND k = %s', $ns, $k ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return null === $v ? null : (string) $v;
	}

	/**
	 * Write a value.
	 *
	 * @param string $ns Namespace.
	 * @param string $k  Key.
	 * @param string $v  Value.
	 */
	public static function kv_set( string $ns, string $k, string $v ): void {
		global $wpdb;
		$ok = $wpdb->replace(
			self::table( 'kv' ),
			array(
				'ns' => $ns,
				'k'  => $k,
				'v'  => $v,
			)
		);
		if ( false === $ok ) {
			throw new \RuntimeException( 'state write failed: ' . $wpdb->last_error );
		}
	}

	// ----- tokens ------------------------------------------------------------------------------

	/**
	 * A token record, decrypted.
	 *
	 * @param string $name Token name.
	 * @return array|null {value, version}
	 */
	public static function get_token( string $name ): ?array {
		global $wpdb;
		$row = $wpdb->get_row( $wpdb->prepare( 'SELECT value, version FROM ' . self::table( 'tokens' ) . ' WHERE name = %s', $name ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		if ( ! $row ) {
			return null;
		}
		$plain = Crypto::decrypt( (string) $row->value );
		$value = null === $plain ? null : json_decode( $plain, true );
		return array(
			'value'   => is_array( $value ) ? (object) $value : new \stdClass(),
			'version' => (int) $row->version,
		);
	}

	/**
	 * Compare-and-swap: write only if the stored version equals $expected (null = no token yet).
	 * One SQL statement each way, so two processes can never both win.
	 *
	 * @param string   $name     Token name.
	 * @param int|null $expected Expected version.
	 * @param array    $value    New value.
	 * @return int|null The new version, or null when the swap lost.
	 */
	public static function cas_token( string $name, ?int $expected, array $value ): ?int {
		global $wpdb;
		$t   = self::table( 'tokens' );
		$enc = Crypto::encrypt( (string) wp_json_encode( (object) $value ) );
		if ( null === $expected ) {
			$wpdb->query( $wpdb->prepare( "INSERT IGNORE INTO $t (name, value, version, updated_at) VALUES (%s, %s, 1, %s)", $name, $enc, self::iso() ) ); // phpcs:ignore WordPress.DB.PreparedSQL
			return 1 === (int) $wpdb->rows_affected ? 1 : null;
		}
		$wpdb->query( $wpdb->prepare( "UPDATE $t SET value = %s, version = version + 1, updated_at = %s WHERE name = %s AND version = %d", $enc, self::iso(), $name, $expected ) ); // phpcs:ignore WordPress.DB.PreparedSQL
		return 1 === (int) $wpdb->rows_affected ? $expected + 1 : null;
	}

	/**
	 * Set a token regardless of version (after a connect flow), keeping the version counter rising.
	 *
	 * @param string $name  Token name.
	 * @param array  $value Value.
	 */
	public static function put_token( string $name, array $value ): void {
		for ( $i = 0; $i < 5; $i++ ) {
			$cur = self::get_token( $name );
			if ( null !== self::cas_token( $name, $cur ? $cur['version'] : null, $value ) ) {
				return;
			}
		}
		throw new \RuntimeException( 'token write kept losing the compare-and-swap' );
	}

	/**
	 * Remove a token.
	 *
	 * @param string $name Token name.
	 */
	public static function delete_token( string $name ): void {
		global $wpdb;
		$wpdb->delete( self::table( 'tokens' ), array( 'name' => $name ) );
	}

	/**
	 * The string values inside all tokens (for redaction).
	 *
	 * @return string[]
	 */
	public static function token_secret_values(): array {
		global $wpdb;
		$t = self::table( 'tokens' );
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $t ) ) !== $t ) {
			return array();
		}
		$out = array();
		foreach ( $wpdb->get_col( "SELECT name FROM $t" ) as $name ) { // phpcs:ignore WordPress.DB.PreparedSQL
			$tok = self::get_token( (string) $name );
			foreach ( (array) ( $tok['value'] ?? array() ) as $k => $v ) {
				if ( is_string( $v ) && strlen( $v ) >= 12 && preg_match( '/token|secret|password/i', (string) $k ) ) {
					$out[] = $v;
				}
			}
		}
		return $out;
	}

	// ----- locks ---------------------------------------------------------------------------------

	/**
	 * Try to take a lock (expired locks are taken over). Re-entrant for the same owner (extends it).
	 *
	 * @param string $name   Lock name.
	 * @param string $owner  Owner id.
	 * @param int    $ttl_ms Lease.
	 * @return array{acquired:bool, expiresAt:string|null}
	 */
	public static function lock( string $name, string $owner, int $ttl_ms ): array {
		global $wpdb;
		$t      = self::table( 'locks' );
		$now_ms = (int) floor( microtime( true ) * 1000 );
		$exp    = $now_ms + $ttl_ms;
		// One statement: insert, or take over when expired or already ours.
		$wpdb->query(
			$wpdb->prepare(
				"INSERT INTO $t (name, owner, expires_ms) VALUES (%s, %s, %d) ON DUPLICATE KEY UPDATE owner = IF(expires_ms < %d OR owner = VALUES(owner), VALUES(owner), owner), expires_ms = IF(owner = VALUES(owner), VALUES(expires_ms), expires_ms)", // phpcs:ignore WordPress.DB.PreparedSQL
				$name,
				$owner,
				$exp,
				$now_ms
			)
		);
		$row = $wpdb->get_row( $wpdb->prepare( "SELECT owner, expires_ms FROM $t WHERE name = %s", $name ) ); // phpcs:ignore WordPress.DB.PreparedSQL
		$ok  = $row && $row->owner === $owner;
		return array(
			'acquired'  => $ok,
			'expiresAt' => $row ? self::iso( (int) $row->expires_ms ) : null,
		);
	}

	/**
	 * Release a lock held by $owner.
	 *
	 * @param string $name  Lock name.
	 * @param string $owner Owner.
	 * @return bool
	 */
	public static function unlock( string $name, string $owner ): bool {
		global $wpdb;
		return (bool) $wpdb->delete(
			self::table( 'locks' ),
			array(
				'name'  => $name,
				'owner' => $owner,
			)
		);
	}

	// ----- runs ----------------------------------------------------------------------------------

	/**
	 * Start a run record.
	 *
	 * @param string $command Command.
	 * @return array RunRecord.
	 */
	public static function start_run( string $command ): array {
		global $wpdb;
		$run = array(
			'id'         => wp_generate_uuid4(),
			'command'    => $command,
			'startedAt'  => self::iso(),
			'finishedAt' => null,
			'booked'     => 0,
			'failed'     => 0,
			'skipped'    => 0,
			'message'    => '',
		);
		$wpdb->insert(
			self::table( 'runs' ),
			array(
				'id'         => $run['id'],
				'command'    => $command,
				'started_at' => $run['startedAt'],
				'message'    => '',
			)
		);
		return $run;
	}

	/**
	 * Finish (or update) a run record.
	 *
	 * @param array $run RunRecord.
	 * @return bool false when there is no such run.
	 */
	public static function finish_run( array $run ): bool {
		global $wpdb;
		$n = $wpdb->update(
			self::table( 'runs' ),
			array(
				'finished_at' => $run['finishedAt'] ?? self::iso(),
				'booked'      => (int) ( $run['booked'] ?? 0 ),
				'failed'      => (int) ( $run['failed'] ?? 0 ),
				'skipped'     => (int) ( $run['skipped'] ?? 0 ),
				'message'     => Secrets::redact( (string) ( $run['message'] ?? '' ) ),
			),
			array( 'id' => (string) $run['id'] )
		);
		return false !== $n && ( $n > 0 || null !== $wpdb->get_var( $wpdb->prepare( 'SELECT id FROM ' . self::table( 'runs' ) . ' WHERE id = %s', (string) $run['id'] ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Latest runs, newest first.
	 *
	 * @param int $limit Max.
	 * @return array[]
	 */
	public static function list_runs( int $limit ): array {
		global $wpdb;
		$rows = $wpdb->get_results( $wpdb->prepare( 'SELECT * FROM ' . self::table( 'runs' ) . ' ORDER BY started_at DESC, id DESC LIMIT %d', $limit ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return array_map(
			static fn( $r ) => array(
				'id'         => $r->id,
				'command'    => $r->command,
				'startedAt'  => $r->started_at,
				'finishedAt' => $r->finished_at,
				'booked'     => (int) $r->booked,
				'failed'     => (int) $r->failed,
				'skipped'    => (int) $r->skipped,
				'message'    => $r->message,
			),
			$rows
		);
	}
}
