<?php
/**
 * WooCommerce order screen: a "Shopbooks" meta box with the order's booking status, and an order
 * note whenever an order is booked or fails. Only active when WooCommerce is.
 *
 * @package Shopbooks
 */

namespace Shopbooks;

defined( 'ABSPATH' ) || exit;

/**
 * Order notes and meta box.
 */
final class Order_Integration {
	private const NOTED_META = '_shopbooks_noted';

	/**
	 * Register hooks.
	 */
	public static function register(): void {
		add_action( 'add_meta_boxes', array( __CLASS__, 'add_meta_box' ) );
	}

	/**
	 * Meta box on the classic and the HPOS order screen.
	 */
	public static function add_meta_box(): void {
		if ( ! class_exists( 'WooCommerce' ) ) {
			return;
		}
		$screen = function_exists( 'wc_get_page_screen_id' ) ? wc_get_page_screen_id( 'shop-order' ) : 'shop_order';
		add_meta_box( 'shopbooks-order', __( 'Shopbooks', 'shopbooks' ), array( __CLASS__, 'render_meta_box' ), $screen, 'side', 'default' );
	}

	/**
	 * The box.
	 *
	 * @param \WP_Post|object $post_or_order Post (classic) or order (HPOS).
	 */
	public static function render_meta_box( $post_or_order ): void {
		$id = is_object( $post_or_order ) && method_exists( $post_or_order, 'get_id' ) ? $post_or_order->get_id() : ( $post_or_order->ID ?? 0 );
		echo wp_kses_post( self::box_html( (string) $id ) );
	}

	/**
	 * HTML of the box for an order id.
	 *
	 * @param string $order_id Order id.
	 * @return string
	 */
	public static function box_html( string $order_id ): string {
		$entries = Store_Db::entries_for_order( $order_id );
		if ( ! $entries ) {
			return '<p>' . esc_html__( 'Not booked yet.', 'shopbooks' ) . '</p>';
		}
		$html = '<ul class="shopbooks-order-status">';
		foreach ( $entries as $e ) {
			$html .= '<li><strong>' . esc_html( self::label( $e ) ) . '</strong>';
			if ( 'booked' === $e['status'] && ! empty( $e['documentUrl'] ) ) {
				$html .= ' — <a href="' . esc_url( $e['documentUrl'] ) . '" target="_blank" rel="noopener">' . esc_html( $e['documentNumber'] ?? $e['documentId'] ?? __( 'document', 'shopbooks' ) ) . '</a>';
			}
			if ( 'failed' === $e['status'] ) {
				$html .= '<br>' . esc_html( (string) ( $e['lastError']['message'] ?? '' ) );
			}
			if ( 'skipped' === $e['status'] ) {
				$html .= '<br>' . esc_html( (string) $e['skipReason'] );
			}
			$html .= '</li>';
		}
		return $html . '</ul>';
	}

	/**
	 * "Order booked", "Refund failed", …
	 *
	 * @param array $e Entry.
	 * @return string
	 */
	private static function label( array $e ): string {
		$refund = 'refund' === $e['kind'];
		switch ( $e['status'] ) {
			case 'booked':
				return $refund ? __( 'Refund booked', 'shopbooks' ) : __( 'Order booked', 'shopbooks' );
			case 'failed':
				return $refund ? __( 'Refund failed', 'shopbooks' ) : __( 'Booking failed', 'shopbooks' );
			case 'skipped':
				return __( 'Skipped', 'shopbooks' );
			default:
				return __( 'Being booked…', 'shopbooks' );
		}
	}

	/**
	 * After a run: add an order note for entries that became booked or failed since $since.
	 *
	 * @param string $since ISO time the run started.
	 */
	public static function after_run( string $since ): void {
		if ( ! class_exists( 'WooCommerce' ) || ! function_exists( 'wc_get_order' ) ) {
			return;
		}
		foreach ( Store_Db::list_entries() as $e ) {
			if ( $e['updatedAt'] < $since || ! in_array( $e['status'], array( 'booked', 'failed' ), true ) ) {
				continue;
			}
			$order = wc_get_order( (int) $e['orderId'] );
			if ( ! $order ) {
				continue;
			}
			$mark  = $e['key'] . '|' . $e['status'] . '|' . $e['attempts'];
			$noted = (array) $order->get_meta( self::NOTED_META );
			if ( in_array( $mark, $noted, true ) ) {
				continue;
			}
			if ( 'booked' === $e['status'] ) {
				$note = sprintf(
					/* translators: 1: "Order booked"/"Refund booked", 2: document number, 3: link */
					__( 'Shopbooks: %1$s as %2$s. %3$s', 'shopbooks' ),
					self::label( $e ),
					(string) ( $e['documentNumber'] ?? $e['documentId'] ?? '' ),
					(string) ( $e['documentUrl'] ?? '' )
				);
			} else {
				$note = sprintf(
					/* translators: 1: "Booking failed", 2: reason */
					__( 'Shopbooks: %1$s: %2$s', 'shopbooks' ),
					self::label( $e ),
					Secrets::redact( (string) ( $e['lastError']['message'] ?? '' ) )
				);
			}
			$order->add_order_note( trim( $note ) );
			$noted[] = $mark;
			$order->update_meta_data( self::NOTED_META, array_slice( $noted, -20 ) );
			$order->save();
		}
	}
}
