{{ nothing|int }}
