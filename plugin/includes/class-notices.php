<?php
/**
 * Admin notices (WooCommerce inactive, Node missing, WP-Cron idle, persistent failures) and the
 * e-mail to the shop owner when orders keep failing.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * What the shop owner should know.
 */
final class Notices {
	/** A failed entry is "persistent" from this many attempts on. */
	public const PERSISTENT_ATTEMPTS = 3;
	private const EMAILED_OPTION     = 'shopbooks_emailed_failures';

	/**
	 * Current problems.
	 *
	 * @return array[] {code, severity, message}
	 */
	public static function current(): array {
		$out   = array();
		$moved = Identity::blocker();
		if ( null !== $moved ) {
			$out[] = array(
				'code'     => 'site_moved',
				'severity' => 'error',
				'message'  => $moved,
			);
		}
		if ( ! class_exists( 'WooCommerce' ) ) {
			$out[] = array(
				'code'     => 'woocommerce_inactive',
				'severity' => 'warning',
				'message'  => __( 'WooCommerce is not active. Shopbooks books WooCommerce orders: you can prepare the connection and rules now, and syncing starts once WooCommerce is active.', 'shopbooks' ),
			);
		}
		$node = Node_Locator::locate();
		if ( ! $node['found'] ) {
			$out[] = array(
				'code'     => 'node_missing',
				'severity' => 'error',
				'message'  => sprintf(
					/* translators: %s: the problem found */
					__( 'Shopbooks cannot sync yet: %s The sync runs on Node.js 20 or newer on this server. Ask your host to install Node.js, or enter the full path to the node program under "Node.js" in the Shopbooks settings, or run the sync elsewhere with the Shopbooks command-line tool (npx shopbooks sync) against this shop.', 'shopbooks' ),
					(string) $node['problem']
				),
			);
		} elseif ( ! is_readable( Runner::script() ) ) {
			$out[] = array(
				'code'     => 'sync_core_missing',
				'severity' => 'error',
				'message'  => (string) Runner::blocker(),
			);
		}
		$cron = Scheduler::status();
		if ( $cron['pastDue'] ) {
			$out[] = array(
				'code'     => 'cron_past_due',
				'severity' => 'warning',
				'tab'      => 'log',
				'message'  => __( 'Shopbooks sync runs are overdue: WP-Cron seems idle on this site (it only runs when someone visits). Add a real cron job that calls wp-cron.php every few minutes, or use "Sync now".', 'shopbooks' ),
			);
		}
		$persistent = self::persistent_failures();
		if ( $persistent ) {
			$out[] = array(
				'code'     => 'persistent_failures',
				'severity' => 'error',
				'tab'      => 'log',
				'message'  => sprintf(
					/* translators: %d: number of orders */
					_n( '%d order keeps failing to be booked. See the Shopbooks log for the reason.', '%d orders keep failing to be booked. See the Shopbooks log for the reasons.', count( $persistent ), 'shopbooks' ),
					count( $persistent )
				),
			);
		}
		return $out;
	}

	/**
	 * Failed entries with at least PERSISTENT_ATTEMPTS attempts.
	 *
	 * @return array[]
	 */
	public static function persistent_failures(): array {
		return array_values( array_filter( Store_Db::list_entries( array( 'status' => 'failed' ) ), static fn( $e ) => (int) $e['attempts'] >= self::PERSISTENT_ATTEMPTS ) );
	}

	/**
	 * Print notices in wp-admin for users who manage the shop.
	 */
	public static function render(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		$ours   = $screen && false !== strpos( (string) $screen->id, 'shopbooks' );
		foreach ( self::current() as $n ) {
			// The WooCommerce hint only on our page and the plugins screen; problems everywhere in admin.
			if ( 'woocommerce_inactive' === $n['code'] && ! $ours && ( ! $screen || 'plugins' !== $screen->id ) ) {
				continue;
			}
			// A notice about runs or failed orders leads to the log, also from the Shopbooks page itself.
			if ( 'log' === ( $n['tab'] ?? '' ) ) {
				$link = ' <a class="shopbooks-notice-link" href="' . esc_url( Connections::settings_url() . '#log' ) . '">' . esc_html__( 'Open the Shopbooks log', 'shopbooks' ) . '</a>';
			} else {
				$link = $ours ? '' : ' <a class="shopbooks-notice-link" href="' . esc_url( Connections::settings_url() ) . '">' . esc_html__( 'Open Shopbooks', 'shopbooks' ) . '</a>';
			}
			printf(
				'<div class="notice notice-%1$s shopbooks-notice" data-code="%2$s"><p><strong>Shopbooks:</strong> %3$s%4$s</p></div>',
				esc_attr( $n['severity'] ),
				esc_attr( $n['code'] ),
				esc_html( $n['message'] ),
				$link // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- escaped above
			);
			if ( 'site_moved' === $n['code'] && current_user_can( 'manage_options' ) ) {
				self::render_identity_choice();
			}
		}
	}

	/**
	 * The two answers to "moved or copy?" (admin-post, nonce-checked in Plugin::identity_choice).
	 */
	private static function render_identity_choice(): void {
		echo '<div class="notice notice-error shopbooks-identity-choice"><p>';
		foreach ( array(
			'moved' => __( 'This site moved: carry on here', 'shopbooks' ),
			'copy'  => __( 'This is a copy: forget the connection here', 'shopbooks' ),
		) as $choice => $label ) {
			printf(
				'<form method="post" action="%1$s" style="display:inline-block;margin-right:8px"><input type="hidden" name="action" value="shopbooks_identity"><input type="hidden" name="choice" value="%2$s">%3$s<button class="button%4$s" data-choice="%2$s">%5$s</button></form>',
				esc_url( admin_url( 'admin-post.php' ) ),
				esc_attr( $choice ),
				wp_nonce_field( 'shopbooks_identity', '_wpnonce', true, false ),
				'moved' === $choice ? ' button-primary' : '',
				esc_html( $label )
			);
		}
		echo '</p></div>';
	}

	/**
	 * After a run: e-mail newly persistent failures (once per order and attempt level, at most one
	 * e-mail per hour).
	 */
	public static function after_run(): void {
		$persistent = self::persistent_failures();
		$emailed    = get_option( self::EMAILED_OPTION, array() );
		$emailed    = is_array( $emailed ) ? $emailed : array();
		$new        = array_values( array_filter( $persistent, static fn( $e ) => ! isset( $emailed[ $e['key'] ] ) ) );
		// Forget entries that are no longer failing.
		$still = array_flip( array_map( static fn( $e ) => $e['key'], $persistent ) );
		$emailed = array_intersect_key( $emailed, $still );
		if ( ! $new || (int) get_option( 'shopbooks_last_failure_mail', 0 ) > time() - HOUR_IN_SECONDS ) {
			update_option( self::EMAILED_OPTION, $emailed, false );
			return;
		}
		$lines = array();
		foreach ( $new as $e ) {
			$reason  = (string) ( $e['lastError']['message'] ?? __( 'unknown reason', 'shopbooks' ) );
			$lines[] = sprintf(
				/* translators: 1: order number, 2: attempts, 3: reason */
				__( '- Order %1$s (%2$d attempts): %3$s', 'shopbooks' ),
				$e['orderNumber'],
				(int) $e['attempts'],
				Secrets::redact( $reason )
			);
			$emailed[ $e['key'] ] = time();
		}
		$subject = sprintf(
			/* translators: 1: site name, 2: count */
			_n( '[%1$s] Shopbooks: %2$d order could not be booked', '[%1$s] Shopbooks: %2$d orders could not be booked', count( $new ), 'shopbooks' ),
			wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES ),
			count( $new )
		);
		$body = __( 'Shopbooks tried several times to book these orders into your accounting and did not succeed:', 'shopbooks' ) . "\n\n"
			. implode( "\n", $lines ) . "\n\n"
			. __( 'Fix the cause (often a VAT code or GL account that is not mapped), then press Retry in the log:', 'shopbooks' ) . "\n"
			. Connections::settings_url() . '#log' . "\n";
		wp_mail( Settings::notify_email(), $subject, $body );
		update_option( 'shopbooks_last_failure_mail', time(), false );
		update_option( self::EMAILED_OPTION, $emailed, false );
	}
}
