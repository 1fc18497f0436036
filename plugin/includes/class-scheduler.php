<?php
/**
 * WP-Cron: the recurring sync at the chosen interval, single "sync now" events, and the order
 * status hook, which only schedules (it never calls an API inside the shopper's request).
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Cron schedule and hooks.
 */
final class Scheduler {
	public const HOOK          = 'shopbooks_sync';
	public const HOOK_NOW      = 'shopbooks_sync_now';
	public const HOOK_BACKFILL = 'shopbooks_backfill';

	/**
	 * Register hooks.
	 */
	public static function register(): void {
		add_filter( 'cron_schedules', array( __CLASS__, 'schedules' ) ); // phpcs:ignore WordPress.WP.CronInterval
		add_action( self::HOOK, array( __CLASS__, 'run_sync' ) );
		add_action( self::HOOK_NOW, array( __CLASS__, 'run_sync' ) );
		add_action( self::HOOK_BACKFILL, array( __CLASS__, 'run_backfill' ) );
		add_action( 'woocommerce_order_status_changed', array( __CLASS__, 'order_status_changed' ), 10, 3 );
		add_action( 'woocommerce_order_refunded', array( __CLASS__, 'order_refunded' ), 10, 1 );
	}

	/**
	 * One schedule per interval choice.
	 *
	 * @param array $schedules Schedules.
	 * @return array
	 */
	public static function schedules( $schedules ) {
		foreach ( Settings::INTERVALS as $m ) {
			$schedules[ 'shopbooks_' . $m . 'min' ] = array(
				'interval' => $m * 60,
				/* translators: %d: minutes */
				'display'  => sprintf( __( 'Every %d minutes (Shopbooks)', 'shopbooks' ), $m ),
			);
		}
		return $schedules;
	}

	/**
	 * Make sure the recurring event exists at the chosen interval.
	 */
	public static function ensure(): void {
		$minutes  = (int) Settings::get()['rules']['intervalMinutes'];
		$schedule = 'shopbooks_' . $minutes . 'min';
		$event    = wp_get_scheduled_event( self::HOOK );
		if ( $event && $event->schedule === $schedule ) {
			return;
		}
		wp_clear_scheduled_hook( self::HOOK );
		// cron_schedules may not include ours yet during activation.
		add_filter( 'cron_schedules', array( __CLASS__, 'schedules' ) ); // phpcs:ignore WordPress.WP.CronInterval
		wp_schedule_event( time() + 60, $schedule, self::HOOK );
	}

	/**
	 * Re-create the recurring event (interval changed).
	 */
	public static function reschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
		self::ensure();
	}

	/**
	 * Remove every event of the plugin.
	 */
	public static function clear_all(): void {
		wp_clear_scheduled_hook( self::HOOK );
		wp_clear_scheduled_hook( self::HOOK_NOW );
		wp_unschedule_hook( self::HOOK_BACKFILL );
	}

	/**
	 * Schedule a single sync now (coalesced: WordPress refuses a duplicate within 10 minutes, which
	 * is what we want — one pending run picks up every changed order).
	 *
	 * @return int Timestamp of the pending run.
	 */
	public static function schedule_now(): int {
		$next = wp_next_scheduled( self::HOOK_NOW );
		if ( $next ) {
			return (int) $next;
		}
		$at = time();
		wp_schedule_single_event( $at, self::HOOK_NOW );
		return $at;
	}

	/**
	 * Schedule a backfill.
	 *
	 * @param string $since Date.
	 * @return int
	 */
	public static function schedule_backfill( string $since ): int {
		$at = time();
		wp_schedule_single_event( $at, self::HOOK_BACKFILL, array( $since ) );
		return $at;
	}

	/**
	 * Order status changed: if the new status books or cancels, schedule a run. Nothing else.
	 *
	 * @param int    $order_id Order id.
	 * @param string $from     Old status.
	 * @param string $to       New status.
	 */
	public static function order_status_changed( $order_id, $from, $to ): void {
		$book = Settings::get()['rules']['bookStatuses'];
		if ( in_array( $to, $book, true ) || in_array( $to, array( 'cancelled', 'refunded' ), true ) ) {
			self::schedule_now();
		}
	}

	/**
	 * A refund was made: schedule a run.
	 *
	 * @param int $order_id Order id.
	 */
	public static function order_refunded( $order_id ): void {
		self::schedule_now();
	}

	/**
	 * Cron callback: sync.
	 */
	public static function run_sync(): void {
		// The schedule starts booking only once the setup is complete (the settings page's checklist).
		if ( null !== Setup::missing() ) {
			return;
		}
		self::run( 'sync', array() );
	}

	/**
	 * Cron callback: backfill.
	 *
	 * @param string $since Date.
	 */
	public static function run_backfill( $since = '' ): void {
		if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}$/', (string) $since ) ) {
			return;
		}
		self::run( 'backfill', array( '--since', (string) $since ) );
	}

	/**
	 * Run, then post-process (order notes, failure e-mail).
	 *
	 * @param string $command Command.
	 * @param array  $args    Args.
	 * @return array Runner result.
	 */
	public static function run( string $command, array $args ): array {
		if ( function_exists( 'set_time_limit' ) ) {
			set_time_limit( 0 ); // phpcs:ignore Squiz.PHP.DiscouragedFunctions.Discouraged
		}
		$since  = Store_Db::iso();
		$result = Runner::run( $command, $args );
		update_option( 'shopbooks_last_run_at', time(), false );
		Order_Integration::after_run( $since );
		Notices::after_run();
		return $result;
	}

	/**
	 * Next recurring run, and whether WP-Cron seems idle.
	 *
	 * @return array{nextRunAt:?string, pastDue:bool, intervalMinutes:int, disabled:bool, scheduled:bool}
	 */
	public static function status(): array {
		$minutes = (int) Settings::get()['rules']['intervalMinutes'];
		$next    = wp_next_scheduled( self::HOOK );
		$grace   = max( 600, $minutes * 60 );
		return array(
			'scheduled'       => (bool) $next,
			'nextRunAt'       => $next ? gmdate( 'c', (int) $next ) : null,
			'intervalMinutes' => $minutes,
			'disabled'        => defined( 'DISABLE_WP_CRON' ) && DISABLE_WP_CRON,
			'pastDue'         => $next && (int) $next < time() - $grace,
		);
	}
}
