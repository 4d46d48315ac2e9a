package db

// Migrations are the embedded migration files, under "migrations/".
var Migrations = migrations
