{{ nothing[0] }}
