{{ missing() }}
