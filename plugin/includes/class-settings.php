<?php
/**
 * Settings and rules: what is booked, how, and where. Never holds secrets.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * The `Settings` object of GET/POST /settings (docs/rest-api.md).
 */
final class Settings {
	public const OPTION     = 'shopbooks_settings';
	public const MAPPINGS   = 'shopbooks_mappings_by_system';
	public const HISTORY    = array( 'fromDate', 'none' );
	public const INTERVALS  = array( 5, 15, 30, 60, 360, 1440 );
	public const GL_ROLES   = array( 'revenue', 'shipping', 'fees', 'discount', 'rounding' );
	public const STATUSES   = array( 'pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed' );
	private const KINDS     = array( 'invoice', 'salesEntry' );
	private const STATES    = array( 'draft', 'final' );
	private const CUSTOMERS = array( 'perCustomer', 'collective' );
	private const ITEMS     = array( 'glOnly', 'items' );

	/**
	 * Defaults for a fresh install.
	 *
	 * @return array
	 */
	public static function defaults(): array {
		return array(
			'target'  => 'exact',
			'rules'   => array(
				'bookStatuses'       => array( 'processing', 'completed' ),
				'paidOnly'           => true,
				'documentKind'       => 'salesEntry',
				'documentState'      => 'final',
				'startDate'          => gmdate( 'Y-m-d' ),
				'intervalMinutes'    => 15,
				'notifyEmail'        => '',
				'customerMode'       => 'perCustomer',
				'collectiveCustomer' => '',
				'itemMode'           => 'glOnly',
				'referencePrefix'    => '',
				'acceptedCurrencies' => array(),
				'discountMode'       => 'netted',
			),
			'mapping' => array(
				'journal'        => '',
				'glAccounts'     => array(
					'revenue'  => '',
					'shipping' => '',
					'fees'     => '',
					'discount' => '',
					'rounding' => '',
				),
				'vatMap'         => new \stdClass(),
				'defaultVatCode' => '',
			),
		);
	}

	/**
	 * Current settings, complete.
	 *
	 * @return array
	 */
	public static function get(): array {
		$stored = get_option( self::OPTION, array() );
		$s      = self::merge( self::defaults(), is_array( $stored ) ? $stored : array() );
		$s['mapping']['vatMap'] = (object) ( (array) $s['mapping']['vatMap'] );
		return $s;
	}

	/**
	 * Custom statuses registered by the shop (WooCommerce or plugins) are allowed too.
	 *
	 * @return string[]
	 */
	public static function known_statuses(): array {
		$statuses = self::STATUSES;
		if ( function_exists( 'wc_get_order_statuses' ) ) {
			foreach ( array_keys( (array) wc_get_order_statuses() ) as $key ) {
				$statuses[] = preg_replace( '/^wc-/', '', (string) $key );
			}
		}
		return array_values( array_unique( $statuses ) );
	}

	/**
	 * Validate a (partial) update and merge it into the current settings.
	 *
	 * @param array $input Decoded JSON.
	 * @return array|\WP_Error The complete new settings, or an error listing the bad fields.
	 */
	public static function validate_update( array $input ) {
		$next   = self::get();
		$next['mapping']['vatMap'] = (array) $next['mapping']['vatMap'];
		$errors = array();

		if ( array_key_exists( 'target', $input ) ) {
			if ( in_array( $input['target'], array( 'exact', 'moneybird' ), true ) ) {
				$next['target'] = $input['target'];
			} else {
				$errors['target'] = __( 'Choose Exact Online or Moneybird.', 'shopbooks' );
			}
		}
		if ( ! $errors && $next['target'] !== self::get()['target'] ) {
			$switched = self::switch_system( self::get()['target'], $next, $input['switch'] ?? null );
			if ( is_wp_error( $switched ) ) {
				return $switched;
			}
			$next = $switched;
		} elseif ( isset( $input['switch'] ) ) {
			$errors['switch'] = __( 'There is no change of accounting system to decide about.', 'shopbooks' );
		}

		$rules = $input['rules'] ?? null;
		if ( null !== $rules && ! is_array( $rules ) ) {
			$errors['rules'] = __( 'Rules must be an object.', 'shopbooks' );
			$rules           = null;
		}
		foreach ( is_array( $rules ) ? $rules : array() as $key => $value ) {
			$error = null;
			switch ( $key ) {
				case 'bookStatuses':
					$known = self::known_statuses();
					if ( ! is_array( $value ) || ! $value ) {
						$error = __( 'Pick at least one order status that books an order.', 'shopbooks' );
					} else {
						$value = array_values( array_unique( array_map( static fn( $v ) => preg_replace( '/^wc-/', '', (string) $v ), $value ) ) );
						$bad   = array_diff( $value, $known );
						if ( $bad ) {
							/* translators: %s: list of statuses */
							$error = sprintf( __( 'Unknown order status: %s.', 'shopbooks' ), implode( ', ', $bad ) );
						}
					}
					break;
				case 'paidOnly':
					if ( ! is_bool( $value ) ) {
						$error = __( 'Must be true or false.', 'shopbooks' );
					}
					break;
				case 'documentKind':
					$error = in_array( $value, self::KINDS, true ) ? null : __( 'Choose invoice or sales entry.', 'shopbooks' );
					break;
				case 'documentState':
					$error = in_array( $value, self::STATES, true ) ? null : __( 'Choose draft or final.', 'shopbooks' );
					break;
				case 'startDate':
					$d     = is_string( $value ) ? \DateTime::createFromFormat( '!Y-m-d', $value ) : false;
					$error = ( $d && $d->format( 'Y-m-d' ) === $value ) ? null : __( 'Use a date like 2024-01-31.', 'shopbooks' );
					break;
				case 'intervalMinutes':
					$error = in_array( $value, self::INTERVALS, true ) ? null : __( 'Choose 5, 15, 30, 60, 360 or 1440 minutes.', 'shopbooks' );
					break;
				case 'notifyEmail':
					$error = ( is_string( $value ) && ( '' === $value || is_email( $value ) ) ) ? null : __( 'Enter a valid e-mail address, or leave it empty for the site admin.', 'shopbooks' );
					break;
				case 'customerMode':
					$error = in_array( $value, self::CUSTOMERS, true ) ? null : __( 'Choose per customer or one collective debtor.', 'shopbooks' );
					break;
				case 'collectiveCustomer':
					$error = ( is_string( $value ) && strlen( $value ) <= 100 ) ? null : __( 'At most 100 characters.', 'shopbooks' );
					break;
				case 'itemMode':
					$error = in_array( $value, self::ITEMS, true ) ? null : __( 'Choose GL accounts only or items.', 'shopbooks' );
					break;
				case 'acceptedCurrencies':
					if ( is_array( $value ) && count( $value ) <= 20 ) {
						$value = array_values( array_unique( array_map( static fn( $c ) => strtoupper( trim( (string) $c ) ), $value ) ) );
					}
					$error = ( is_array( $value ) && count( $value ) <= 20 && ! array_filter( $value, static fn( $c ) => ! preg_match( '/^[A-Z]{3}$/', $c ) ) ) ? null : __( 'List currency codes like GBP or USD.', 'shopbooks' );
					break;
				case 'discountMode':
					$error = in_array( $value, array( 'netted', 'separate' ), true ) ? null : __( 'Choose discounts in the line amounts, or one discount line per VAT rate.', 'shopbooks' );
					break;
				case 'referencePrefix':
					$error = ( is_string( $value ) && strlen( $value ) <= 10 && ! preg_match( '/[^A-Za-z0-9._\/-]/', $value ) ) ? null : __( 'At most 10 letters, digits or . _ / -', 'shopbooks' );
					break;
				default:
					/* translators: %s: field name */
					$error = sprintf( __( 'Unknown setting %s.', 'shopbooks' ), $key );
			}
			if ( null !== $error ) {
				$errors[ 'rules.' . $key ] = $error;
			} else {
				$next['rules'][ $key ] = is_string( $value ) ? sanitize_text_field( $value ) : $value;
			}
		}
		if ( 'collective' === $next['rules']['customerMode'] && '' === trim( $next['rules']['collectiveCustomer'] ) && is_array( $rules ) && ( isset( $rules['customerMode'] ) || isset( $rules['collectiveCustomer'] ) ) ) {
			$errors['rules.collectiveCustomer'] = __( 'Name the collective debtor.', 'shopbooks' );
		}

		$mapping = $input['mapping'] ?? null;
		if ( null !== $mapping && ! is_array( $mapping ) ) {
			$errors['mapping'] = __( 'Mapping must be an object.', 'shopbooks' );
			$mapping           = null;
		}
		foreach ( is_array( $mapping ) ? $mapping : array() as $key => $value ) {
			switch ( $key ) {
				case 'journal':
				case 'defaultVatCode':
					if ( is_string( $value ) && strlen( $value ) <= 40 ) {
						$next['mapping'][ $key ] = sanitize_text_field( $value );
					} else {
						$errors[ 'mapping.' . $key ] = __( 'At most 40 characters.', 'shopbooks' );
					}
					break;
				case 'glAccounts':
					foreach ( is_array( $value ) ? $value : array( '' => null ) as $role => $code ) {
						if ( ! in_array( $role, self::GL_ROLES, true ) ) {
							$errors[ 'mapping.glAccounts.' . $role ] = __( 'Unknown GL account role.', 'shopbooks' );
						} elseif ( ! is_string( $code ) || strlen( $code ) > 40 ) {
							$errors[ 'mapping.glAccounts.' . $role ] = __( 'At most 40 characters.', 'shopbooks' );
						} else {
							$next['mapping']['glAccounts'][ $role ] = sanitize_text_field( $code );
						}
					}
					break;
				case 'vatMap':
					if ( ! is_array( $value ) ) {
						$errors['mapping.vatMap'] = __( 'The VAT mapping must be an object.', 'shopbooks' );
						break;
					}
					$map = array();
					foreach ( $value as $vat_key => $code ) {
						if ( ! preg_match( '/^(domestic|reverse_charge|export|exempt):\d+(\.\d+)?$|^oss:[A-Z]{2}:\d+(\.\d+)?$/', (string) $vat_key ) ) {
							/* translators: %s: VAT key */
							$errors[ 'mapping.vatMap.' . $vat_key ] = sprintf( __( '%s is not a VAT key (like domestic:21 or oss:DE:19).', 'shopbooks' ), $vat_key );
						} elseif ( ! is_string( $code ) || strlen( $code ) > 40 ) {
							$errors[ 'mapping.vatMap.' . $vat_key ] = __( 'At most 40 characters.', 'shopbooks' );
						} elseif ( '' !== $code ) {
							$map[ (string) $vat_key ] = sanitize_text_field( $code );
						}
					}
					$next['mapping']['vatMap'] = $map;
					break;
				default:
					/* translators: %s: field name */
					$errors[ 'mapping.' . $key ] = sprintf( __( 'Unknown setting %s.', 'shopbooks' ), $key );
			}
		}
		foreach ( array_keys( $input ) as $key ) {
			if ( ! in_array( $key, array( 'target', 'rules', 'mapping', 'switch' ), true ) ) {
				/* translators: %s: field name */
				$errors[ (string) $key ] = sprintf( __( 'Unknown setting %s.', 'shopbooks' ), $key );
			}
		}
		if ( $errors ) {
			return new \WP_Error(
				'rest_invalid_param',
				/* translators: %s: list of fields */
				sprintf( __( 'Some settings are not valid: %s', 'shopbooks' ), implode( ', ', array_keys( $errors ) ) ),
				array(
					'status' => 400,
					'params' => $errors,
				)
			);
		}
		return $next;
	}

	/**
	 * Save validated settings; reschedules the cron event when the interval changed.
	 *
	 * @param array $next From validate_update().
	 * @return array
	 */
	public static function save( array $next ): array {
		$before = self::get();
		if ( isset( $next['__mappings'] ) ) {
			update_option( self::MAPPINGS, $next['__mappings'], false );
			unset( $next['__mappings'] );
		}
		$next['mapping']['vatMap'] = (array) $next['mapping']['vatMap'];
		update_option( self::OPTION, $next, false );
		if ( (int) $before['rules']['intervalMinutes'] !== (int) $next['rules']['intervalMinutes'] ) {
			Scheduler::reschedule();
		}
		return self::get();
	}

	/**
	 * A change of accounting system. The ledger, mapping and log of the old system stay with it
	 * (Connection_Scope); the new system gets its own mapping (the one it had, or empty) and the
	 * shop owner decides about the history: book from a date, or nothing before today. When the old
	 * system has booked orders, the change is refused until that choice is made.
	 *
	 * @param string     $from   Current system.
	 * @param array      $next   Settings with the new target.
	 * @param mixed|null $choice {history: fromDate|none, fromDate?: Y-m-d}.
	 * @return array|\WP_Error
	 */
	private static function switch_system( string $from, array $next, $choice ) {
		$names = array(
			'exact'     => 'Exact Online',
			'moneybird' => 'Moneybird',
		);
		if ( null === $choice ) {
			$booked = Store_Db::count_booked( Sync_Config::shop_id() );
			if ( $booked > 0 ) {
				return new \WP_Error(
					'shopbooks_switch_needs_choice',
					sprintf(
						/* translators: 1: number, 2: old system, 3: new system */
						__( '%1$d orders are booked in %2$s and stay there; %3$s gets a ledger, mapping and log of its own, and nothing is moved over. Choose what to do with the history: book the orders from a date in %3$s, or book nothing before today.', 'shopbooks' ),
						$booked,
						$names[ $from ],
						$names[ $next['target'] ]
					),
					array(
						'status' => 409,
						'booked' => $booked,
					)
				);
			}
		} else {
			$history = is_array( $choice ) ? ( $choice['history'] ?? null ) : null;
			$date    = is_array( $choice ) && is_string( $choice['fromDate'] ?? null ) ? \DateTime::createFromFormat( '!Y-m-d', $choice['fromDate'] ) : false;
			if ( ! in_array( $history, self::HISTORY, true ) || ( 'fromDate' === $history && ! ( $date && $date->format( 'Y-m-d' ) === $choice['fromDate'] ) ) ) {
				return new \WP_Error(
					'rest_invalid_param',
					__( 'Choose the history: {"history":"fromDate","fromDate":"2024-01-31"} or {"history":"none"}.', 'shopbooks' ),
					array(
						'status' => 400,
						'params' => array( 'switch' => __( 'Choose a start date or nothing.', 'shopbooks' ) ),
					)
				);
			}
			$next['rules']['startDate'] = 'fromDate' === $history ? $choice['fromDate'] : gmdate( 'Y-m-d' );
		}
		$by          = get_option( self::MAPPINGS, array() );
		$by          = is_array( $by ) ? $by : array();
		$by[ $from ] = self::get()['mapping'];
		$by[ $from ]['vatMap'] = (array) $by[ $from ]['vatMap'];
		$restored    = isset( $by[ $next['target'] ] ) && is_array( $by[ $next['target'] ] ) ? $by[ $next['target'] ] : self::defaults()['mapping'];
		$restored['vatMap'] = (array) $restored['vatMap'];
		$next['mapping']    = $restored;
		$next['__mappings'] = $by;
		return $next;
	}

	/**
	 * Recursive merge of stored values over defaults (lists replace, maps merge).
	 *
	 * @param array $base  Defaults.
	 * @param array $over  Stored.
	 * @return array
	 */
	private static function merge( array $base, array $over ): array {
		foreach ( $over as $k => $v ) {
			if ( isset( $base[ $k ] ) && is_array( $base[ $k ] ) && is_array( $v ) && ! array_is_list( $base[ $k ] ) && 'vatMap' !== $k ) {
				$base[ $k ] = self::merge( $base[ $k ], $v );
			} else {
				$base[ $k ] = $v;
			}
		}
		return $base;
	}

	/**
	 * The address failure e-mails go to.
	 *
	 * @return string
	 */
	public static function notify_email(): string {
		$s = self::get();
		return '' !== $s['rules']['notifyEmail'] ? $s['rules']['notifyEmail'] : (string) get_option( 'admin_email' );
	}
}
