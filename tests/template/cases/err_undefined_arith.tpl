{{ nothing + 1 }}
