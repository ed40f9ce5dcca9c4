{{ -nothing }}
