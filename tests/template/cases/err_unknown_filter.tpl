{{ results.tlp|nosuchfilter }}
