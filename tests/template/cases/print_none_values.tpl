{% set s = results.results[2].scan %}
nothing={{ s.nothing }} flags={{ s.flags }} empty={{ s.empty_str }}|{{ s.empty_list }}|{{ s.empty_dict }}
nested={{ s.nested }}
source_meta={{ results.results[0].source_meta }} tlp={{ results.tlp }}
