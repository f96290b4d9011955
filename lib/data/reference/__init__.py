"""Reference tables written as facts (départements, régions, A129 products, partner countries)."""
from lib.data.reference.countries import (
    COUNTRIES, CUSTOMS_ONLY_CODES, EU27, continent, country_name, is_eu27, is_known_country)
from lib.data.reference.departments import (
    DEPARTMENTS, REGIONS, department_name, departments_of_region, is_department,
    normalize_department_code, region_name, region_of)
from lib.data.reference.products import (
    PRODUCT_GROUPS, PRODUCTS, group_label, group_short_label, is_goods, is_known_product,
    product_group, product_label, product_short_label)

__all__ = [
    "COUNTRIES", "CUSTOMS_ONLY_CODES", "EU27", "continent", "country_name", "is_eu27",
    "is_known_country", "DEPARTMENTS", "REGIONS", "department_name", "departments_of_region",
    "is_department", "normalize_department_code", "region_name", "region_of", "PRODUCT_GROUPS",
    "PRODUCTS", "group_label", "group_short_label", "is_goods", "is_known_product",
    "product_group", "product_label", "product_short_label",
]
