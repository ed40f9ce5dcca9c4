{{ none|items|list }}
