"""The default data's merchants, recurring bills and clients: who the generated business
pays and is paid by, with each merchant's amount distribution, weekday and yearly profile."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

@dataclass(frozen=True)
class Merchant:
    name: str
    category: str
    median: float  # typical |amount|
    sigma: float  # log-normal spread
    weight: float  # share of variable expenses
    descriptions: tuple[str, ...]
    descriptor: str  # bank-style line; {n} is replaced by digits
    payment: str = "credit_card"
    # Other categories this merchant sells: (category, share of its rows, descriptions,
    # price level relative to `median`). Real exports file one merchant under several
    # categories (Amazon, Costco...), each with its own price range.
    other_categories: tuple[tuple[str, float, tuple[str, ...], float], ...] = ()


# Weekday (Mon..Sun) and month (Jan..Dec) profiles per category group.
WEEKDAY_PROFILES = {
    "business": np.array([1.2, 1.2, 1.2, 1.2, 1.1, 0.35, 0.25]),
    "meals": np.array([0.8, 1.0, 1.0, 1.1, 1.5, 0.9, 0.5]),
    "any": np.array([1.0, 1.0, 1.0, 1.0, 1.1, 1.0, 0.8]),
}
MONTH_PROFILES = {
    "flat": np.ones(12),
    "travel": np.array([0.7, 0.7, 0.9, 1.0, 1.1, 1.5, 1.7, 1.6, 1.1, 0.9, 0.8, 0.9]),
    "year_end": np.array([0.8, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.5, 1.8]),
    "fuel": np.array([0.9, 0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.2, 1.0, 1.0, 0.9, 1.0]),
}
CATEGORY_PROFILES = {
    "meals_entertainment": ("meals", "flat"), "food": ("any", "flat"),
    "entertainment": ("meals", "year_end"), "travel": ("business", "travel"),
    "fuel": ("any", "fuel"), "computer_equipment": ("business", "year_end"),
    "hardware": ("business", "year_end"), "furniture": ("business", "year_end"),
}

MERCHANTS: tuple[Merchant, ...] = (
    Merchant("Shell", "fuel", 62, 0.30, 3.0, ("Fuel for Vehicle", "Fuel Stop", "Fuel for Client Visit"),
             "SHELL OIL {n} HOUSTON TX"),
    Merchant("BP", "fuel", 58, 0.30, 2.0, ("Fuel for Travel", "Fuel Station"), "BP#{n} GAS"),
    Merchant("Chevron", "fuel", 66, 0.30, 2.0, ("Fuel Station", "Vehicle Fuel"), "CHEVRON {n}"),
    Merchant("Exxon", "fuel", 60, 0.30, 1.5, ("Fuel for Client Visits",), "EXXONMOBIL {n}"),
    Merchant("Starbucks", "meals_entertainment", 14, 0.35, 4.0, ("Coffee Shop Meeting",
             "Client Meeting Coffee"), "SQ *STARBUCKS {n}"),
    Merchant("Blue Bottle", "meals_entertainment", 12, 0.30, 2.0, ("Coffee with Client",),
             "SQ *BLUE BOTTLE {n}"),
    Merchant("Panera Bread", "meals_entertainment", 48, 0.35, 2.0, ("Client Meeting Lunch",
             "Business Lunch"), "PANERA BREAD #{n}"),
    Merchant("Cheesecake Factory", "meals_entertainment", 85, 0.35, 1.2, ("Lunch Meeting with Client",
             "Client Dinner"), "TST* CHEESECAKE FACTORY {n}"),
    Merchant("Whole Foods", "food", 85, 0.40, 2.0, ("Grocery Store", "Grocery Shopping"),
             "WHOLEFDS MKT {n}"),
    Merchant("Kroger", "food", 95, 0.40, 1.5, ("Grocery Shopping",), "KROGER #{n}"),
    Merchant("Theater District", "entertainment", 120, 0.35, 0.5, ("Client Entertainment",),
             "THEATER DISTRICT {n}"),
    Merchant("TechMeetup", "entertainment", 60, 0.40, 0.5, ("Networking Event",), "TECHMEETUP*{n}"),
    Merchant("Staples", "office_supplies", 55, 0.45, 2.0, ("Printer Paper & Supplies",
             "Office Supplies"), "STAPLES {n}"),
    Merchant("Office Depot", "office_supplies", 65, 0.45, 1.5, ("Office Supplies Restock",),
             "OFFICE DEPOT #{n}"),
    Merchant("Amazon", "office_supplies", 40, 0.60, 2.5, ("Home Office Supplies", "Office Supplies"),
             "AMZN Mktp US*{a}", other_categories=(
                 ("computer_equipment", 0.25, ("USB-C Hub", "Wireless Mouse", "Backup Drive"), 2.5),
                 ("home_office", 0.2, ("Desk Lamp", "Office Desk Organizer"), 1.5),
                 ("training", 0.1, ("Professional Development Book",), 0.8))),
    Merchant("VistaPrint", "supplies", 120, 0.40, 0.6, ("Marketing Materials", "Business Cards Printing"),
             "VISTAPRINT.COM {n}"),
    Merchant("Costco", "supplies", 90, 0.45, 0.8, ("Office Cleaning Supplies",), "COSTCO WHSE #{n}",
             other_categories=(("food", 0.4, ("Grocery Shopping", "Bulk Snacks for Office"), 1.6),
                               ("office_supplies", 0.2, ("Office Supplies Restock",), 0.7))),
    Merchant("United Airlines", "travel", 320, 0.45, 0.8, ("Business Travel", "Flight to Client"),
             "UNITED {n} AIRLINE TKT"),
    Merchant("Marriott", "travel", 190, 0.35, 0.7, ("Business Travel Hotel",), "MARRIOTT {n}"),
    Merchant("City Parking", "travel", 20, 0.30, 1.5, ("Parking Fees", "Parking Downtown"),
             "CITY PARKING {n}"),
    Merchant("Uber", "travel", 28, 0.50, 2.0, ("Ride to Client Office", "Taxi to Airport"),
             "UBER *TRIP {a}", other_categories=(
                 ("meals_entertainment", 0.3, ("Uber Eats Team Lunch", "Food Delivery for Meeting"), 2.0),)),
    Merchant("Dell", "computer_equipment", 420, 0.50, 0.3, ("Computer Monitor", "Laptop Dock"),
             "DELL SALES {n}"),
    Merchant("Logitech", "computer_equipment", 95, 0.40, 0.4, ("Computer Mouse & Keyboard",
             "Webcam"), "LOGITECH {n}"),
    Merchant("Best Buy", "hardware", 150, 0.50, 0.4, ("Hardware Components", "Hardware Testing Tools"),
             "BEST BUY {n}", other_categories=(
                 ("computer_equipment", 0.4, ("Computer Monitor", "External SSD"), 2.5),
                 ("office_supplies", 0.2, ("Printer Cartridges",), 0.4))),
    Merchant("IKEA", "furniture", 300, 0.50, 0.2, ("Home Office Desk", "Office Chair"), "IKEA {n}"),
    Merchant("Udemy", "training", 60, 0.60, 0.5, ("Training Course", "Online Course"),
             "UDEMY ONLINE COURSE {n}"),
    Merchant("Coursera", "training", 80, 0.40, 0.3, ("Professional Development",), "COURSERA*{n}"),
    Merchant("Johnson Law", "professional_fees", 380, 0.30, 0.3, ("Legal Consultation",),
             "JOHNSON LAW LLC {n}", "bank_transfer"),
    Merchant("CPA Services", "professional_fees", 450, 0.25, 0.3, ("Accountant Fees",),
             "CPA SERVICES {n}", "bank_transfer"),
    Merchant("AutoShop Pro", "vehicle_expenses", 220, 0.45, 0.4, ("Vehicle Maintenance",
             "Vehicle Oil Change"), "AUTOSHOP PRO {n}"),
    Merchant("Jiffy Lube", "vehicle_expenses", 60, 0.30, 0.4, ("Vehicle Oil Change",),
             "JIFFY LUBE #{n}"),
    Merchant("Tech Repair Co", "repairs", 150, 0.40, 0.3, ("Equipment Repair",), "TECH REPAIR {n}"),
    Merchant("CleanPro", "maintenance", 150, 0.20, 0.4, ("Office Cleaning Service",), "CLEANPRO {n}"),
    # household spending at merchants that sell several kinds of things
    Merchant("Target", "food", 55, 0.35, 0.6, ("Household Groceries", "Weekly Shopping"),
             "TARGET {n} {city}", other_categories=(
                 ("office_supplies", 0.25, ("Printer Ink", "Notebooks and Pens"), 0.6),
                 ("home_office", 0.15, ("Desk Chair Cushion",), 1.2))),
    Merchant("Walmart", "food", 70, 0.35, 0.6, ("Grocery Run", "Household Supplies"),
             "WAL-MART #{n} {city}", other_categories=(
                 ("supplies", 0.3, ("Cleaning Supplies", "Paper Towels"), 0.5),)),
    Merchant("CVS Pharmacy", "other", 25, 0.40, 0.4, ("Pharmacy", "Prescription Pickup"),
             "CVS/PHARMACY #{n} {city}"),
    Merchant("Netflix", "entertainment", 15.49, 0.05, 0.4, ("Streaming Subscription",),
             "NETFLIX.COM {n}"),
    Merchant("Home Depot", "home_office", 75, 0.50, 0.5, ("Home Office Lighting", "Office Desk Organizer"),
             "THE HOME DEPOT #{n}", other_categories=(
                 ("maintenance", 0.3, ("Office Maintenance Supplies",), 0.6),
                 ("furniture", 0.15, ("Shelving Unit",), 2.0))),
)

# (merchant, category, day of month, amount, description, payment method)
RECURRING: tuple[tuple[str, str, int, float, str, str], ...] = (
    ("Property Management", "rent", 1, 1200.00, "Office Rent", "bank_transfer"),
    ("Comcast", "telephone", 2, 79.99, "Internet Service", "credit_card"),
    ("Adobe", "software", 4, 52.99, "Adobe Creative Suite", "credit_card"),
    ("Microsoft", "software", 5, 15.99, "Office365 Subscription", "credit_card"),
    ("Geico", "vehicle", 8, 156.78, "Vehicle Insurance", "bank_transfer"),
    ("Zoom", "software", 9, 14.99, "Video Conferencing Software", "credit_card"),
    ("Slack", "software", 13, 29.99, "Project Collaboration Tool", "credit_card"),
    ("State Farm", "other", 14, 245.00, "Business Insurance", "bank_transfer"),
    ("Dropbox", "software", 15, 9.99, "Cloud Storage Service", "credit_card"),
    ("Verizon", "telephone", 20, 65.00, "Mobile Phone Bill", "credit_card"),
    ("Chase Bank", "other", 28, 25.00, "Business Banking Fees", "bank_transfer"),
)
RETAINER = ("MainClient", 1, 2000.00, "Monthly Retainer")
CLIENTS = ("TechCorp", "Creative Studio", "DataFlow Ltd", "RetailCorp", "StartupXYZ",
           "Enterprise Ltd", "EduTech Solutions", "AppCorp", "Legacy Corp", "FinTech Startup")
CLIENT_WORK = ("Web Development", "Mobile App", "API Development", "Database Design",
               "Consulting Services", "UI/UX Design Project", "Cloud Migration Project",
               "Security Audit Services")
