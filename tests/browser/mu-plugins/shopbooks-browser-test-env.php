<?php
/**
 * Browser-test site only (linked by tests/browser/run.sh as a must-use plugin): no avatars, because
 * Gravatar is unreachable offline and its failed requests would show up as console errors.
 */
add_filter( 'pre_option_show_avatars', '__return_zero' );
